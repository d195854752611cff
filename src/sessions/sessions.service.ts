import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { randomToken, sha256Hex, TtlCache, uuidv7 } from '../../libs/common/src';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';

export const SESSION_COOKIE = 'av_session';
export const SESSION_TOKEN_PATTERN = /^avs_[A-Za-z0-9_-]{43}$/;

export interface LoginSession {
  id: string;
  tenantId: string;
  userId: string;
  expiresAt: Date;
  revoked: boolean;
}

interface SessionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  expires_at: Date;
  revoked_at: Date | null;
}

const log = logFor('Sessions');

/** Opaque login sessions: the token goes to the client, only its SHA-256 is stored. */
@Injectable()
export class SessionsService {
  private readonly byHash: TtlCache<string, LoginSession | null>;
  private readonly seenWritten = new TtlCache<string, true>(60_000, 100_000);

  constructor(
    private readonly dataSource: DataSource,
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
    await this.dataSource.query(
      `INSERT INTO user_sessions (id, tenant_id, user_id, token_hash, ip, user_agent, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        tenantId,
        userId,
        sha256Hex(token),
        meta.ip ?? null,
        meta.userAgent?.slice(0, 500) ?? null,
        expiresAt,
      ],
    );
    return { token, session: { id, tenantId, userId, expiresAt, revoked: false } };
  }

  /** The live session a token names, or undefined (malformed, unknown, expired, revoked). */
  async verify(token: string, now = new Date()): Promise<LoginSession | undefined> {
    if (!SESSION_TOKEN_PATTERN.test(token)) return undefined;
    const hash = sha256Hex(token);
    let session = this.byHash.get(hash);
    if (session === undefined) {
      const rows: SessionRow[] = await this.dataSource.query(
        `SELECT id, tenant_id, user_id, expires_at, revoked_at FROM user_sessions WHERE token_hash = $1`,
        [hash],
      );
      session = rows[0]
        ? {
            id: rows[0].id,
            tenantId: rows[0].tenant_id,
            userId: rows[0].user_id,
            expiresAt: new Date(rows[0].expires_at),
            revoked: !!rows[0].revoked_at,
          }
        : null;
      this.byHash.set(hash, session);
    }
    if (!session || session.revoked || session.expiresAt <= now) return undefined;
    this.touch(session);
    return session;
  }

  async revoke(tenantId: string, sessionId: string): Promise<void> {
    const [rows] = await this.dataSource.query(
      `UPDATE user_sessions SET revoked_at = COALESCE(revoked_at, now()) WHERE tenant_id = $1 AND id = $2
       RETURNING user_id`,
      [tenantId, sessionId],
    );
    this.byHash.clear();
    const userId = (rows as Array<{ user_id: string }>)[0]?.user_id;
    if (userId) await accessInvalidation.userChanged(tenantId, userId);
  }

  /**
   * Ends every live session of a user (after a password change, a disable or a role
   * removal), but `keepSessionId` when the user changed their own password in it. Awaits the
   * cache invalidation in every process, so the sessions are refused everywhere at once.
   */
  async endAllFor(tenantId: string, userId: string, keepSessionId?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE user_sessions SET revoked_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [userId, keepSessionId ?? null],
    );
    await accessInvalidation.userChanged(tenantId, userId);
  }

  private touch(session: LoginSession): void {
    if (this.seenWritten.has(session.id)) return;
    this.seenWritten.set(session.id, true);
    this.dataSource
      .query(`UPDATE user_sessions SET last_seen_at = now() WHERE tenant_id = $1 AND id = $2`, [
        session.tenantId,
        session.id,
      ])
      .catch((error: Error) => log.warn('could not record session use', { error: error.message }));
  }
}
