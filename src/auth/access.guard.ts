import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { currentContext } from '../common/request-context';
import type { AccessContext } from '../access/access-context';
import { AccessPolicy, deniedType, evaluateAccess } from './access-policy';
import { AccessDenied, TooManyRequests } from './auth-errors';
import { Authenticator } from './authenticator.service';
import { ACCESS_POLICY } from '../access/decorators';
import { securityEvents } from '../observability/security-events';

/**
 * The global guard: every route is closed unless its decorators open it. Public routes
 * pass untouched; everything else is authenticated, put in a tenant, rate limited and
 * authorized against its policy.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy?.public) return true;
    const req = context.switchToHttp().getRequest<Request & { access?: AccessContext }>();
    const res = context.switchToHttp().getResponse<Response>();
    let access: AccessContext;
    try {
      access = await this.authenticator.authenticate({
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
      });
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="agent-village"');
      if (error instanceof TooManyRequests) res.setHeader('Retry-After', String(error.retryAfterS));
      if (status === 401 || status === 403) this.refused(req, status, error as Error);
      throw error;
    }
    const ctx = currentContext();
    if (ctx) {
      ctx.tenantId = access.tenantId;
      ctx.principal = access.principal;
      if (policy?.resourceType)
        ctx.resource = {
          type: policy.resourceType,
          id: policy.idParam ? String(req.params?.[policy.idParam] ?? '') : undefined,
        };
    }
    const decision = evaluateAccess(policy, access);
    if (!decision.allowed) {
      const denied = new AccessDenied(decision.detail, deniedType(decision.reason));
      this.refused(req, 403, denied, access);
      throw denied;
    }
    req.access = access;
    return true;
  }

  /** A refusal is a security event: who (when known), what they asked and why not. */
  private refused(req: Request, status: number, error: Error, access?: AccessContext): void {
    securityEvents.publish({
      type: status === 401 ? 'auth.rejected' : 'access.denied',
      tenantId: access?.tenantId,
      actorId: access?.userId,
      ip: access?.clientIp ?? req.socket.remoteAddress,
      details: {
        method: req.method,
        path: req.path,
        problem: (error as { type?: string }).type ?? null,
        reason: error.message,
      },
    });
  }
}
