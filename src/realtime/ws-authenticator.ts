import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { Authenticator } from '../auth/authenticator.service';
import { AccessSubject, evaluateAccess } from '../auth/access-policy';
import type { Principal } from '../common/request-context';

/** Who is on the other end of a WebSocket connection, and what they may do. */
export interface WsIdentity {
  tenantId: string;
  principal: Principal;
  subject: AccessSubject;
  /** When the credential stops being valid on its own (undefined: it does not). */
  expiresAt?: Date;
}

/** Thrown by the authenticator to refuse a connection (closed with 4401). */
export class WsAuthenticationFailed extends Error {}

/**
 * The authentication hook of the WebSocket gateway: every connection passes through the
 * same pipeline as the REST API (API key or session cookie/bearer → tenant resolution →
 * rate limits → roles and permissions) on upgrade, before any message is handled.
 * Connecting requires `goal:read`; each client message is then authorized on its own.
 */
@Injectable()
export class WsAuthenticator {
  constructor(private readonly auth: Authenticator) {}

  async authenticate(request: IncomingMessage): Promise<WsIdentity> {
    let context;
    try {
      context = await this.auth.authenticate({
        headers: request.headers,
        remoteAddress: request.socket.remoteAddress,
      });
    } catch (error) {
      throw new WsAuthenticationFailed((error as Error).message || 'authentication failed');
    }
    const identity = {
      tenantId: context.tenantId,
      principal: context.principal,
      subject: context,
      expiresAt: context.expiresAt,
    };
    const denied = authorize(identity, 'goal:read');
    if (denied) throw new WsAuthenticationFailed(denied);
    return identity;
  }
}

/** Undefined when allowed, otherwise why not. */
export function authorize(identity: WsIdentity, permission: string): string | undefined {
  const decision = evaluateAccess({ permission }, identity.subject);
  return decision.allowed ? undefined : decision.detail;
}
