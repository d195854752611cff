import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { type Observable, tap } from 'rxjs';
import { AUDIT_METADATA, type AuditOptions } from '../access/audit.decorator';
import type { AccessContext } from '../access/access-context';
import { currentContext, DEFAULT_TENANT_ID } from '../common/request-context';
import type { ActorType, AuditCategory } from './audit-event';
import { AuditWriter } from './audit-writer';
import { maskSecrets } from './masking';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
  GET: 'read',
};

type AuditedRequest = Request & { access?: AccessContext };

/**
 * One audit entry per authenticated mutating request (and per read of a route marked
 * @Audit()), written after the handler answers, success or failure, without holding the
 * response: actor, tenant, resource, route, duration, the field changes the request's
 * services noted, and the masked request body. Unauthenticated requests are recorded by
 * the security events they raise instead.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly writer: AuditWriter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.writer.enabled) return next.handle();
    const req = context.switchToHttp().getRequest<AuditedRequest>();
    const options = this.reflector.getAllAndOverride<AuditOptions | undefined>(AUDIT_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (options?.skip || !req.access || (READS.has(req.method) && !options)) return next.handle();
    const started = performance.now();
    const done = (status: number, body: unknown) =>
      this.record(req, options ?? {}, status, performance.now() - started, body);
    return next.handle().pipe(
      tap({
        next: (body: unknown) =>
          done(context.switchToHttp().getResponse<Response>().statusCode, body),
        error: (error: unknown) => done((error as { status?: number }).status ?? 500, error),
      }),
    );
  }

  private record(
    req: AuditedRequest,
    options: AuditOptions,
    status: number,
    durationMs: number,
    result: unknown,
  ): void {
    const ctx = currentContext();
    const access = req.access!;
    const principal = access.principal;
    const resourceType =
      options.resource ?? ctx?.resource?.type ?? req.path.split('/')[3] ?? 'unknown';
    const failed = status >= 400;
    const createdId =
      !failed && req.method === 'POST' && result && typeof result === 'object'
        ? (result as { id?: unknown }).id
        : undefined;
    const resourceId =
      ctx?.resource?.id ||
      (typeof req.params?.id === 'string' ? req.params.id : undefined) ||
      (typeof req.params?.name === 'string' ? req.params.name : undefined) ||
      (typeof createdId === 'string' ? createdId : undefined);
    this.writer.record({
      tenantId: access.tenantId ?? ctx?.tenantId ?? DEFAULT_TENANT_ID,
      category: (options.category ??
        (READS.has(req.method) ? 'DATA_ACCESS' : 'DATA_MUTATION')) as AuditCategory,
      eventType:
        options.event ?? `${resourceType}.${VERBS[req.method] ?? req.method.toLowerCase()}`,
      severity: status >= 500 ? 'ERROR' : failed ? 'WARNING' : 'INFO',
      outcome: failed ? 'FAILURE' : 'SUCCESS',
      actor: {
        id: principal.id,
        type: actorType(principal.kind),
        ip: access.clientIp ?? req.socket.remoteAddress ?? null,
      },
      resource: { type: resourceType, id: resourceId ?? null },
      context: {
        requestId: ctx?.requestId ?? null,
        endpoint: (req.route as { path?: string } | undefined)?.path ?? req.path,
        method: req.method,
        durationMs,
      },
      changes: ctx?.changes,
      details: {
        status,
        ...(principal.apiKeyId ? { api_key_id: principal.apiKeyId } : {}),
        ...(READS.has(req.method)
          ? { query: maskSecrets(req.query) }
          : { body: maskSecrets(req.body) }),
        ...(failed ? { problem: (result as { type?: string })?.type ?? null } : {}),
      },
      tags: ['http'],
    });
  }
}

function actorType(kind: string): ActorType {
  if (kind === 'api_key' || kind === 'oauth') return 'service';
  if (kind === 'user' || kind === 'system') return kind;
  return 'anonymous';
}
