import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { TtlCache } from '#common';
import { ApiKeysService } from '../apikeys/api-keys.service';
import { clientIp } from '#net/ip-rules';
import {
  apiKeyLimitChecks,
  type RateLimits,
  refusedLimitName,
} from '../apikeys/api-key-rate-limits';
import { RateLimiter } from '../ratelimit/rate-limiter.service';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { RbacService } from '../rbac/rbac.service';
import { resolveTenant, subdomainSlug } from '../tenancy/tenant-resolution';
import { TenantsService } from '../tenancy/tenants.service';
import { TenantDirectory } from '../tenancy/tenant-directory';
import { admitsRequests } from '../tenancy/tenant-lifecycle';
import { TenantNotActive } from '../tenancy/tenant-errors';
import type { AccessContext, SessionFacts } from '../access/access-context';
import {
  AccessDenied,
  AmbiguousCredentials,
  CredentialNoLongerValid,
  InvalidApiKey,
  TooManyRequests,
  Unauthenticated,
} from './auth-errors';
import { SESSION_COOKIE, type SessionCheck, SessionsService } from '../sessions/sessions.service';
import { AccessTokenRefused, OAuthAccessTokens } from '../oauth-tokens/oauth-access-tokens.service';
import { keyScopesOf } from '../oauth-tokens/oauth-scopes';
import { JWT_SHAPE } from '../oauth-tokens/jwt-shape';

const SESSION_REFUSALS: Record<Exclude<SessionCheck, { ok: true }>['reason'], string> = {
  invalid: 'The session token is not valid or has expired.',
  expired: 'The session has expired; sign in again.',
  revoked: 'The session has ended; sign in again.',
  locked: 'The session is locked by an administrator.',
  address: 'The session is bound to another network address.',
};

/** What the pipeline needs of a request: HTTP, a WebSocket upgrade, anything with headers. */
export interface RawRequest {
  headers: IncomingHttpHeaders;
  remoteAddress?: string;
}

interface UserState {
  tenantId: string;
  status: string;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The security pipeline up to authorization, reusable by REST, WebSocket and dashboard:
 * authentication (API key, OAuth access token or session) → tenant resolution → rate limiting → the caller's
 * roles and permissions in that tenant. Throws problem-mapped errors; never reveals
 * whether a key id exists.
 */
@Injectable()
export class Authenticator {
  private readonly userStates: TtlCache<string, UserState | null>;
  private readonly slugs: TtlCache<string, string | null>;

  constructor(
    private readonly keys: ApiKeysService,
    private readonly sessions: SessionsService,
    private readonly rbac: RbacService,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly rateLimiter: RateLimiter,
    private readonly directory: TenantDirectory,
    private readonly oauthTokens: OAuthAccessTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.userStates = new TtlCache(config.AUTH_CACHE_TTL_MS, 100_000);
    this.slugs = new TtlCache(60_000, 10_000);
    accessInvalidation.on('user', (_t: string, userId: string) => this.userStates.delete(userId));
  }

  clientIp(request: RawRequest): string | undefined {
    return clientIp(
      request.remoteAddress,
      header(request.headers, 'x-forwarded-for'),
      this.config.TRUSTED_PROXIES,
    );
  }

  async authenticate(request: RawRequest): Promise<AccessContext> {
    const ip = this.clientIp(request);
    const apiKeyHeader = header(request.headers, 'x-api-key');
    const authorization = header(request.headers, 'authorization');
    const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const cookie = readCookie(header(request.headers, 'cookie'), SESSION_COOKIE);

    let userId: string;
    let keyTenantId: string | undefined;
    let principal: AccessContext['principal'];
    let scopes: readonly string[] | undefined;
    let apiKeyId: string | undefined;
    let limits: RateLimits | undefined;
    let platformKey = false;
    let sessionFacts: SessionFacts | undefined;
    let expiresAt: Date | undefined;

    // which of two would be the principal is not the caller's to leave to us (a Basic header
    // is no credential here: a proxy in front may require and forward one)
    if (apiKeyHeader !== undefined && bearer !== undefined) throw new AmbiguousCredentials();
    const presentedKey = apiKeyHeader ?? (bearer?.startsWith('ak_') ? bearer : undefined);
    if (presentedKey !== undefined) {
      const verdict = await this.keys.verify(presentedKey.trim(), ip);
      if (!verdict.ok) {
        if (verdict.reason === 'invalid') throw new InvalidApiKey();
        if (verdict.reason === 'ip')
          throw new AccessDenied(
            'The API key may not be used from this address.',
            'ip-not-allowed',
          );
        throw new CredentialNoLongerValid(verdict.reason);
      }
      const key = verdict.key;
      userId = key.ownerUserId;
      keyTenantId = key.tenantId;
      scopes = key.scopes;
      apiKeyId = key.id;
      limits = key.rateLimits;
      platformKey = key.type === 'admin';
      expiresAt = key.expiresAt ?? undefined;
      principal = { kind: 'api_key', id: key.ownerUserId, apiKeyId: key.id };
    } else if (bearer !== undefined && JWT_SHAPE.test(bearer)) {
      const token = await this.oauthTokens.verify(bearer).catch((error: unknown) => {
        if (error instanceof AccessTokenRefused) throw new Unauthenticated(error.message);
        throw error;
      });
      const actingUser = token.userId ?? token.ownerUserId;
      if (!actingUser) throw new Unauthenticated('The OAuth client has no owner to act as.');
      userId = actingUser;
      keyTenantId = token.tenantId;
      scopes = keyScopesOf(token.scope);
      expiresAt = token.expiresAt;
      principal = { kind: 'oauth', id: actingUser, oauthClientId: token.clientId };
    } else {
      const token = bearer ?? cookie;
      if (!token) throw new Unauthenticated();
      const checked = await this.sessions.check(token, ip);
      if (!checked.ok) throw new Unauthenticated(SESSION_REFUSALS[checked.reason]);
      const session = checked.session;
      userId = session.userId;
      principal = { kind: 'user', id: session.userId, sessionId: session.id };
      expiresAt = session.expiresAt;
      sessionFacts = {
        id: session.id,
        mfaVerified: session.mfaVerified,
        enrollmentOnly: session.enrollmentOnly,
        elevatedUntil: session.elevatedUntil,
      };
    }

    const user = await this.userState(userId);
    if (!user || user.status !== 'active') {
      if (apiKeyId) throw new CredentialNoLongerValid('suspended', 'API key owner');
      if (principal.kind === 'oauth')
        throw new Unauthenticated('The user the access token acts for is not active.');
      throw new Unauthenticated('The session token is not valid or has expired.');
    }

    const homeTenantId = user.tenantId;
    const tenantHeader = header(request.headers, 'x-tenant-id')?.trim();
    const slug = subdomainSlug(header(request.headers, 'host'), this.config.TENANT_BASE_DOMAIN);
    const subdomainTenantId = slug ? await this.tenantIdForSlug(slug) : undefined;
    if (slug && !subdomainTenantId)
      throw new AccessDenied('You have no access to this tenant.', 'tenant-access-denied');
    const systemAdmin = await this.rbac.isSystemAdmin(homeTenantId, userId);
    // A platform administrator's admin key may pick any tenant by header; other keys stay in theirs.
    if (platformKey && systemAdmin) keyTenantId = undefined;
    const memberships = new Map<string, boolean>();
    for (const candidate of [tenantHeader?.toLowerCase(), subdomainTenantId]) {
      if (candidate && /^[0-9a-f-]{36}$/.test(candidate) && candidate !== homeTenantId)
        memberships.set(
          candidate,
          systemAdmin
            ? await this.tenantExists(candidate)
            : (await this.rbac.subject(candidate, userId)).roles.size > 0,
        );
    }
    const decision = resolveTenant(
      { header: tenantHeader, keyTenantId, subdomainTenantId, homeTenantId },
      (t) => t === homeTenantId || memberships.get(t) === true,
    );
    if (!decision.ok)
      throw decision.reason === 'malformed-header'
        ? new AccessDenied('X-Tenant-ID must be a tenant id (UUID).', 'tenant-access-denied')
        : new AccessDenied('You have no access to this tenant.', 'tenant-access-denied');
    const tenant = await this.directory.lookup(decision.tenantId);
    if (tenant && !admitsRequests(tenant.status))
      throw new TenantNotActive(tenant.status, tenant.statusReason);

    if (apiKeyId && limits) {
      const verdict = await this.rateLimiter.check(apiKeyLimitChecks(apiKeyId, limits));
      if (verdict && !verdict.allowed)
        throw new TooManyRequests(
          Math.max(1, Math.ceil(verdict.decision.retryAfterMs / 1000)),
          `The API key exceeded its ${refusedLimitName(verdict)} limit of ${verdict.decision.limit} requests.`,
        );
    }

    const subject = await this.rbac.subject(decision.tenantId, userId);
    const roles = systemAdmin ? new Set([...subject.roles, 'system_admin']) : subject.roles;
    const permissions = systemAdmin
      ? (await this.rbac.subject(homeTenantId, userId)).permissions
      : subject.permissions;
    return {
      principal,
      tenantId: decision.tenantId,
      userId,
      homeTenantId,
      roles,
      permissions,
      scopes,
      clientIp: ip,
      tenantSource:
        decision.source === 'api_key' && principal.kind === 'oauth' ? 'token' : decision.source,
      session: sessionFacts,
      expiresAt,
    };
  }

  private async userState(userId: string): Promise<UserState | null> {
    let state = this.userStates.get(userId);
    if (state === undefined) {
      state = (await this.users.stateOf(userId)) ?? null;
      this.userStates.set(userId, state);
    }
    return state;
  }

  private async tenantIdForSlug(slug: string): Promise<string | undefined> {
    let id = this.slugs.get(slug);
    if (id === undefined) {
      id = (await this.tenants.findBySlug(slug))?.id ?? null;
      this.slugs.set(slug, id);
    }
    return id ?? undefined;
  }

  private async tenantExists(id: string): Promise<boolean> {
    return (await this.tenants.findByRef(id)) !== undefined;
  }
}
