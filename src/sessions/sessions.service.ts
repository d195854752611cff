import { Inject, Injectable } from '@nestjs/common';
import { NotFound, randomToken, sha256Hex, TtlCache, uuidv7 } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { securityEvents } from '../observability/security-events';
import { deviceInfo } from './device-info';
import { GEO_LOCATOR, type GeoLocator } from './geo-locator.provider';
import { SessionEnded } from './session-errors';
import {
  type SessionAuthMethod,
  type SessionStatus,
  sessionStatus,
  type SessionType,
} from './session-status';
import { type SessionListing, UserSessionRepository } from './user-session.repository';

export const SESSION_COOKIE = 'av_session';
export const SESSION_TOKEN_PATTERN = /^avs_[A-Za-z0-9_-]{43}$/;

/** A session as the security pipeline sees it. */
export interface LoginSession {
  id: string;
  tenantId: string;
  userId: string;
  type: SessionType;
  authMethod: SessionAuthMethod;
  ip: string | null;
  expiresAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  lockedAt: Date | null;
  mfaVerified: boolean;
  /** Signed in to a tenant that requires MFA, before enrolling: only enrollment is open. */
  enrollmentOnly: boolean;
  elevatedUntil: Date | null;
}

/** A session as its owner and administrators list it. */
export interface SessionView extends LoginSession {
  status: SessionStatus;
  device: Record<string, unknown>;
  geo: Record<string, unknown> | null;
  userAgent: string | null;
  createdAt: Date;
  rotatedAt: Date | null;
  lockReason: string | null;
  revokeReason: string | null;
}

export type SessionCheck =
  | { ok: true; session: LoginSession }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'locked' | 'address' };

export interface NewSession {
  tenantId: string;
  userId: string;
  type?: SessionType;
  authMethod?: SessionAuthMethod;
  mfaVerified?: boolean;
  enrollmentOnly?: boolean;
  ip?: string;
  userAgent?: string;
}

const log = logFor('Sessions');
const LIST_LIMIT = 200;
const SEEN_WRITE_INTERVAL_MS = 60_000;

const toSession = (r: SessionListing): LoginSession => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  type: r.session_type as SessionType,
  authMethod: r.auth_method as SessionAuthMethod,
  ip: r.ip,
  expiresAt: new Date(r.expires_at),
  lastSeenAt: new Date(r.last_seen_at),
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  lockedAt: r.locked_at ? new Date(r.locked_at) : null,
  mfaVerified: r.mfa_verified,
  enrollmentOnly: r.enrollment_only,
  elevatedUntil: r.elevated_until ? new Date(r.elevated_until) : null,
});

/**
 * Opaque login sessions: the token goes to the client, only its SHA-256 is stored. A token
 * is replaced at sign-in, at MFA verification and at elevation, so a token seen before
 * any of them is worth nothing after it.
 */
@Injectable()
export class SessionsService {
  private readonly byHash: TtlCache<string, LoginSession | null>;
  private readonly seenWritten = new TtlCache<string, true>(SEEN_WRITE_INTERVAL_MS, 100_000);
  private readonly idleMs: number;

  constructor(
    private readonly userSessions: UserSessionRepository,
    @Inject(GEO_LOCATOR) private readonly geo: GeoLocator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.byHash = new TtlCache(config.AUTH_CACHE_TTL_MS, 100_000);
    this.idleMs = config.SESSION_IDLE_MINUTES * 60_000;
    accessInvalidation.on('user', () => this.byHash.clear());
  }

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.userSessions.atomically(work);
  }

  /** Starts a session; past the per-user limit, the oldest live ones end. */
  async create(input: NewSession): Promise<{ token: string; session: LoginSession }> {
    const token = newToken();
    const now = new Date();
    const row = {
      id: uuidv7(),
      tenant_id: input.tenantId,
      user_id: input.userId,
      token_hash: sha256Hex(token),
      session_type: input.type ?? 'web',
      auth_method: input.authMethod ?? 'password',
      device: JSON.stringify(deviceInfo(input.userAgent)),
      geo: geoJson(this.geo.lookup(input.ip)),
      mfa_verified: input.mfaVerified ?? false,
      enrollment_only: input.enrollmentOnly ?? false,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 500) ?? null,
      expires_at: new Date(now.getTime() + this.config.SESSION_TTL_MINUTES * 60_000),
    };
    const session = toSession({ ...row, ...DEFAULT_COLUMNS, created_at: now, last_seen_at: now });
    await this.userSessions.atomically(async () => {
      const live = await this.userSessions.liveIdsOf(input.tenantId, input.userId);
      const over = live.slice(this.config.SESSION_MAX_PER_USER - 1);
      if (over.length) {
        await this.userSessions.revokeMany(input.tenantId, over, 'session-limit');
        for (const id of over)
          securityEvents.publish({
            type: 'session.revoked',
            tenantId: input.tenantId,
            userId: input.userId,
            sessionId: id,
            details: { reason: 'session-limit' },
          });
        await accessInvalidation.userChanged(input.tenantId, input.userId);
      }
      await this.userSessions.insert(row);
      securityEvents.publish({
        type: 'session.created',
        tenantId: session.tenantId,
        userId: session.userId,
        sessionId: session.id,
        ip: input.ip,
        details: {
          session_type: session.type,
          auth_method: session.authMethod,
          mfa_verified: session.mfaVerified,
        },
      });
    });
    return { token, session };
  }

  /** The live session a token names from this address, or why there is none. */
  async check(token: string, ip?: string, now = new Date()): Promise<SessionCheck> {
    if (!SESSION_TOKEN_PATTERN.test(token)) return { ok: false, reason: 'invalid' };
    const hash = sha256Hex(token);
    let session = this.byHash.get(hash);
    if (session === undefined) {
      const row = await this.userSessions.byTokenHash(hash);
      session = row ? toSession(row) : null;
      this.byHash.set(hash, session);
    }
    if (!session) return { ok: false, reason: 'invalid' };
    const status = sessionStatus(session, this.idleMs, now);
    if (status !== 'active') return { ok: false, reason: status };
    if (this.config.SESSION_BIND_IP && session.ip && ip !== session.ip)
      return { ok: false, reason: 'address' };
    this.touch(session, now);
    return { ok: true, session };
  }

  /** The live session a token names, or undefined. */
  async verify(token: string, ip?: string): Promise<LoginSession | undefined> {
    const checked = await this.check(token, ip);
    return checked.ok ? checked.session : undefined;
  }

  /**
   * Gives a live session a new token (and its new MFA, enrollment or elevation state); the
   * old token is refused everywhere once this resolves.
   */
  async rotate(
    session: Pick<LoginSession, 'tenantId' | 'userId' | 'id'>,
    change: { mfaVerified?: boolean; enrollmentOnly?: boolean; elevatedUntil?: Date } = {},
    reason = 'rotated',
  ): Promise<string> {
    const token = newToken();
    await this.userSessions.atomically(async () => {
      const rotated = await this.userSessions.rotate(
        session.tenantId,
        session.id,
        sha256Hex(token),
        {
          ...(change.mfaVerified !== undefined ? { mfa_verified: change.mfaVerified } : {}),
          ...(change.enrollmentOnly !== undefined
            ? { enrollment_only: change.enrollmentOnly }
            : {}),
          ...(change.elevatedUntil !== undefined ? { elevated_until: change.elevatedUntil } : {}),
        },
      );
      if (!rotated) throw new SessionEnded();
      await accessInvalidation.userChanged(session.tenantId, session.userId);
      securityEvents.publish({
        type: change.elevatedUntil ? 'session.elevated' : 'session.rotated',
        tenantId: session.tenantId,
        userId: session.userId,
        sessionId: session.id,
        details: {
          reason,
          ...(change.elevatedUntil ? { elevated_until: change.elevatedUntil.toISOString() } : {}),
        },
      });
    });
    return token;
  }

  /** The tenant's sessions, newest first: one user's, or (for administrators) everyone's. */
  async list(tenantId: string, userId?: string, now = new Date()): Promise<SessionView[]> {
    const rows = await this.userSessions.list(tenantId, userId, LIST_LIMIT);
    return rows.map((r) => this.view(r, now));
  }

  async get(tenantId: string, id: string, now = new Date()): Promise<SessionView> {
    const row = await this.userSessions.byId(tenantId, id);
    if (!row) throw new NotFound('session', id);
    return this.view(row, now);
  }

  async revoke(
    tenantId: string,
    sessionId: string,
    reason = 'revoked',
    actorId?: string,
  ): Promise<void> {
    await this.userSessions.atomically(async () => {
      const userId = await this.userSessions.revoke(tenantId, sessionId, reason);
      if (!userId) throw new NotFound('session', sessionId);
      await accessInvalidation.userChanged(tenantId, userId);
      securityEvents.publish({
        type: 'session.revoked',
        tenantId,
        userId,
        actorId,
        sessionId,
        details: { reason },
      });
    });
  }

  /**
   * Ends every live session of a user (after a password change, a disable or a role
   * removal, or on request), but `keepSessionId`. Awaits the cache invalidation in every
   * process, so the sessions are refused everywhere at once. Answers how many ended.
   */
  async endAllFor(
    tenantId: string,
    userId: string,
    keepSessionId?: string,
    reason = 'credentials-changed',
    actorId?: string,
  ): Promise<number> {
    return this.userSessions.atomically(async () => {
      const ended = await this.userSessions.endAllOf(tenantId, userId, reason, keepSessionId);
      await accessInvalidation.userChanged(tenantId, userId);
      if (ended)
        securityEvents.publish({
          type: 'session.revoked',
          tenantId,
          userId,
          actorId,
          details: { reason, count: ended, ...(keepSessionId ? { kept: keepSessionId } : {}) },
        });
      return ended;
    });
  }

  async lock(tenantId: string, sessionId: string, actorId: string, reason: string): Promise<void> {
    await this.userSessions.atomically(async () => {
      const userId = await this.userSessions.lock(tenantId, sessionId, actorId, reason);
      if (!userId) throw new NotFound('session', sessionId);
      await accessInvalidation.userChanged(tenantId, userId);
      securityEvents.publish({
        type: 'session.locked',
        tenantId,
        userId,
        actorId,
        sessionId,
        details: { reason },
      });
    });
  }

  async unlock(
    tenantId: string,
    sessionId: string,
    actorId: string,
    reason: string,
  ): Promise<void> {
    await this.userSessions.atomically(async () => {
      const userId = await this.userSessions.unlock(tenantId, sessionId);
      if (!userId) throw new NotFound('session', sessionId);
      await accessInvalidation.userChanged(tenantId, userId);
      securityEvents.publish({
        type: 'session.unlocked',
        tenantId,
        userId,
        actorId,
        sessionId,
        details: { reason },
      });
    });
  }

  private view(r: SessionListing, now: Date): SessionView {
    const session = toSession(r);
    return {
      ...session,
      status: sessionStatus(session, this.idleMs, now),
      device: asRecord(r.device) ?? {},
      geo: asRecord(r.geo) ?? null,
      userAgent: r.user_agent,
      createdAt: new Date(r.created_at),
      rotatedAt: r.rotated_at ? new Date(r.rotated_at) : null,
      lockReason: r.lock_reason,
      revokeReason: r.revoke_reason,
    };
  }

  /** Records use at most once a minute per session; the cached copy keeps the idle clock. */
  private touch(session: LoginSession, now: Date): void {
    session.lastSeenAt = now;
    if (this.seenWritten.has(session.id)) return;
    this.seenWritten.set(session.id, true);
    this.userSessions
      .recordSeen(session.tenantId, session.id)
      .catch((error: Error) => log.warn('could not record session use', { error: error.message }));
  }

  get idleTimeoutMs(): number {
    return this.idleMs;
  }
}

const DEFAULT_COLUMNS = {
  revoked_at: null,
  locked_at: null,
  locked_by: null,
  lock_reason: null,
  revoke_reason: null,
  rotated_at: null,
  elevated_until: null,
};

const newToken = () => `avs_${randomToken(32)}`;

function geoJson(location: object | undefined): string | null {
  return location && Object.keys(location).length ? JSON.stringify(location) : null;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') return asRecord(JSON.parse(value));
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}
