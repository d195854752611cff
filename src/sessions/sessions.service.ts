import { Inject, Injectable } from '@nestjs/common';
import { randomToken, sha256Hex, TtlCache, uuidv7 } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { UserSessionRepository } from './user-session.repository';

export const SESSION_COOKIE = 'av_session';
export const SESSION_TOKEN_PATTERN = /^avs_[A-Za-z0-9_-]{43}$/;

export interface LoginSession {
  id: string;
  tenantId: string;
  userId: string;
  expiresAt: Date;
  revoked: boolean;
}

const log = logFor('Sessions');

/** Opaque login sessions: the token goes to the client, only its SHA-256 is stored. */
@Injectable()
export class SessionsService {
  private readonly byHash: TtlCache<string, LoginSession | null>;
  private readonly seenWritten = new TtlCache<string, true>(60_000, 100_000);

  constructor(
    private readonly userSessions: UserSessionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.byHash = new TtlCache(config.AUTH_CACHE_TTL_MS, 100_000);
    accessInvalidation.on('user', () => this.byHash.clear());
  }

  async create(
    tenantId: string,
    userId: string,
    meta: { ip?: string; userAgent?: string },
  ): Promise<{ token: string; session: LoginSession }> {
    const token = `avs_${randomToken(32)}`;
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_MINUTES * 60_000);
    const id = uuidv7();
    await this.userSessions.insert({
      id,
      tenant_id: tenantId,
      user_id: userId,
      token_hash: sha256Hex(token),
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
      expires_at: expiresAt,
    });
    return { token, session: { id, tenantId, userId, expiresAt, revoked: false } };
  }

  /** The live session a token names, or undefined (malformed, unknown, expired, revoked). */
  async verify(token: string, now = new Date()): Promise<LoginSession | undefined> {
    if (!SESSION_TOKEN_PATTERN.test(token)) return undefined;
    const hash = sha256Hex(token);
    let session = this.byHash.get(hash);
    if (session === undefined) {
      const row = await this.userSessions.byTokenHash(hash);
      session = row
        ? {
            id: row.id,
            tenantId: row.tenant_id,
            userId: row.user_id,
            expiresAt: new Date(row.expires_at),
            revoked: !!row.revoked_at,
          }
        : null;
      this.byHash.set(hash, session);
    }
    if (!session || session.revoked || session.expiresAt <= now) return undefined;
    this.touch(session);
    return session;
  }

  async revoke(tenantId: string, sessionId: string): Promise<void> {
    const userId = await this.userSessions.revoke(tenantId, sessionId);
    this.byHash.clear();
    if (userId) await accessInvalidation.userChanged(tenantId, userId);
  }

  /**
   * Ends every live session of a user (after a password change, a disable or a role
   * removal), but `keepSessionId` when the user changed their own password in it. Awaits the
   * cache invalidation in every process, so the sessions are refused everywhere at once.
   */
  async endAllFor(tenantId: string, userId: string, keepSessionId?: string): Promise<void> {
    await this.userSessions.endAllOf(tenantId, userId, keepSessionId);
    await accessInvalidation.userChanged(tenantId, userId);
  }

  private touch(session: LoginSession): void {
    if (this.seenWritten.has(session.id)) return;
    this.seenWritten.set(session.id, true);
    this.userSessions
      .recordSeen(session.tenantId, session.id)
      .catch((error: Error) => log.warn('could not record session use', { error: error.message }));
  }
}
