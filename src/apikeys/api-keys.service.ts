import { Inject, Injectable } from '@nestjs/common';
import { NotFound, TtlCache, uuidv7, ValidationFailed } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { isScope } from '../rbac/permissions';
import { scopesBeyond } from '../rbac/principal-policy';
import {
  displayPrefix,
  fromPlaintext,
  generateApiKey,
  GeneratedApiKey,
  parseApiKey,
  secretMatches,
} from './api-key-format';
import { ApiKeyRepository, type ApiKeyRow } from './api-key.repository';
import { isIpAllowed, isValidCidr, isValidIp } from '#net/ip-rules';
import type { RateLimits } from './api-key-rate-limits';

export const API_KEY_TYPES = ['personal', 'service', 'tenant', 'admin'] as const;
export const API_KEY_STATUSES = ['active', 'expired', 'revoked', 'suspended'] as const;
export type ApiKeyType = (typeof API_KEY_TYPES)[number];
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

export interface ApiKey {
  id: string;
  tenantId: string;
  keyId: string;
  secretHash: string;
  name: string;
  type: ApiKeyType;
  status: ApiKeyStatus;
  scopes: string[];
  ownerUserId: string;
  expiresAt: Date | null;
  rateLimits: RateLimits;
  allowedIps: string[];
  allowedCidrs: string[];
  blockedIps: string[];
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const date = (d: Date | null) => (d ? new Date(d) : null);
const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  tenantId: r.tenant_id,
  keyId: r.key_id,
  secretHash: r.secret_hash,
  name: r.name,
  type: r.type as ApiKeyType,
  status: r.status as ApiKeyStatus,
  scopes: r.scopes,
  ownerUserId: r.owner_user_id,
  expiresAt: date(r.expires_at),
  rateLimits: {
    perMinute: r.rate_limit_per_minute,
    perHour: r.rate_limit_per_hour,
    perDay: r.rate_limit_per_day,
    burst: r.rate_limit_burst,
  },
  allowedIps: r.allowed_ips,
  allowedCidrs: r.allowed_cidrs,
  blockedIps: r.blocked_ips,
  lastUsedAt: date(r.last_used_at),
  lastUsedIp: r.last_used_ip,
  rotatedAt: date(r.rotated_at),
  revokedAt: date(r.revoked_at),
  createdAt: new Date(r.created_at),
});

export interface NewApiKey {
  name: string;
  type: ApiKeyType;
  scopes: string[];
  /** What the creator holds: every scope must be backed by one of these permissions. */
  creatorPermissions: ReadonlySet<string>;
  expiresAt?: Date;
  rateLimits?: Partial<RateLimits>;
  allowedIps?: string[];
  allowedCidrs?: string[];
  blockedIps?: string[];
  /** Use this plaintext instead of a random key (bootstrap automation only). */
  plaintext?: string;
}

/** Why a presented key did not authenticate; the caller maps these to problem+json. */
export type KeyVerdict =
  | { ok: true; key: ApiKey }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'suspended' | 'ip'; key?: ApiKey };

const log = logFor('ApiKeys');
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

@Injectable()
export class ApiKeysService {
  /** key id → record, kept only after a presented secret matched it. */
  private readonly byKeyId: TtlCache<string, ApiKey>;
  private readonly lastUsedWritten = new TtlCache<string, true>(
    LAST_USED_WRITE_INTERVAL_MS,
    100_000,
  );

  constructor(
    private readonly apiKeys: ApiKeyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.byKeyId = new TtlCache(config.AUTH_CACHE_TTL_MS, 100_000);
    accessInvalidation.on('key', (keyId: string) => this.byKeyId.delete(keyId));
  }

  defaultLimits(): RateLimits {
    return {
      perMinute: this.config.API_KEY_RATE_PER_MINUTE,
      perHour: this.config.API_KEY_RATE_PER_HOUR,
      perDay: this.config.API_KEY_RATE_PER_DAY,
      burst: this.config.API_KEY_RATE_BURST,
    };
  }

  async create(
    tenantId: string,
    ownerUserId: string,
    input: NewApiKey,
  ): Promise<{ key: ApiKey; plaintext: string }> {
    this.validate(input);
    let generated: GeneratedApiKey;
    if (input.plaintext) {
      const given = fromPlaintext(input.plaintext);
      if (!given)
        throw new ValidationFailed([
          { field: 'plaintext', message: 'is not an API key in our format' },
        ]);
      generated = given;
    } else {
      generated = generateApiKey();
    }
    const limits = { ...this.defaultLimits(), ...input.rateLimits };
    const row = await this.apiKeys.insert({
      id: uuidv7(),
      tenant_id: tenantId,
      key_id: generated.keyId,
      secret_hash: generated.secretHash,
      name: input.name,
      type: input.type,
      scopes: [...new Set(input.scopes)],
      owner_user_id: ownerUserId,
      expires_at: input.expiresAt ?? null,
      rate_limit_per_minute: limits.perMinute,
      rate_limit_per_hour: limits.perHour,
      rate_limit_per_day: limits.perDay,
      rate_limit_burst: limits.burst,
      allowed_ips: input.allowedIps ?? [],
      allowed_cidrs: input.allowedCidrs ?? [],
      blocked_ips: input.blockedIps ?? [],
    });
    this.byKeyId.delete(generated.keyId);
    return { key: toApiKey(row), plaintext: generated.plaintext };
  }

  /** Keys of a tenant; only the owner's unless `ownerUserId` is omitted (managers). */
  async list(tenantId: string, ownerUserId?: string): Promise<ApiKey[]> {
    const rows = await this.apiKeys.list(tenantId, ownerUserId);
    return rows.map(toApiKey).map((k) => this.withEffectiveStatus(k));
  }

  async get(tenantId: string, id: string, ownerUserId?: string): Promise<ApiKey> {
    const row = await this.apiKeys.byId(tenantId, id, ownerUserId);
    if (!row) throw new NotFound('api-key', id);
    return this.withEffectiveStatus(toApiKey(row));
  }

  /**
   * A new secret and key id for the same key; the old plaintext stops working at once, in
   * every process. The key's scopes must still be backed by its owner's permissions.
   */
  async rotate(
    tenantId: string,
    id: string,
    ownerPermissions: ReadonlySet<string>,
    ownerUserId?: string,
  ): Promise<{ key: ApiKey; plaintext: string }> {
    const current = await this.get(tenantId, id, ownerUserId);
    if (current.status === 'revoked')
      throw new ValidationFailed([{ field: 'id', message: 'a revoked key cannot be rotated' }]);
    this.requireBackedScopes(current.scopes, ownerPermissions, "its owner's");
    const generated = generateApiKey();
    const row = await this.apiKeys.rotate(tenantId, id, generated.keyId, generated.secretHash);
    this.byKeyId.delete(generated.keyId);
    await accessInvalidation.keyChanged(current.keyId);
    return { key: toApiKey(row!), plaintext: generated.plaintext };
  }

  async revoke(tenantId: string, id: string, ownerUserId?: string): Promise<ApiKey> {
    const current = await this.get(tenantId, id, ownerUserId);
    const row = await this.apiKeys.revoke(tenantId, id);
    await accessInvalidation.keyChanged(current.keyId);
    return toApiKey(row!);
  }

  async delete(tenantId: string, id: string, ownerUserId?: string): Promise<void> {
    const current = await this.get(tenantId, id, ownerUserId);
    await this.apiKeys.delete(tenantId, id);
    await accessInvalidation.keyChanged(current.keyId);
  }

  async countActive(tenantId: string): Promise<number> {
    return this.apiKeys.count(tenantId);
  }

  /**
   * Checks a presented key. Malformed, unknown id and wrong secret are one verdict
   * ('invalid') reached with the same work. The cache answers only a presented secret that
   * matches the cached record; anything else reads the database and compares against the
   * stored hash or, for an unknown id, a dummy one: an unknown id and a known id with a
   * wrong secret take the same path, the same round trip and the same comparisons.
   * Status and IP are only judged once the secret is proven.
   */
  async verify(
    presented: string,
    clientIp: string | undefined,
    now = new Date(),
  ): Promise<KeyVerdict> {
    const parsed = parseApiKey(presented);
    if (!parsed) {
      secretMatches('x'.repeat(43), undefined);
      return { ok: false, reason: 'invalid' };
    }
    const cached = this.byKeyId.get(parsed.keyId);
    let key = secretMatches(parsed.secret, cached?.secretHash) ? cached : undefined;
    if (!key) {
      const row = await this.apiKeys.byKeyId(parsed.keyId);
      const stored = row ? toApiKey(row) : undefined;
      if (!secretMatches(parsed.secret, stored?.secretHash) || !stored)
        return { ok: false, reason: 'invalid' };
      key = stored;
      this.byKeyId.set(parsed.keyId, key);
    }
    if (key.status === 'revoked') return { ok: false, reason: 'revoked', key };
    if (key.status === 'suspended') return { ok: false, reason: 'suspended', key };
    if (key.status === 'expired' || (key.expiresAt && key.expiresAt <= now))
      return { ok: false, reason: 'expired', key };
    if (!isIpAllowed(key, clientIp)) return { ok: false, reason: 'ip', key };
    this.touch(key, clientIp);
    return { ok: true, key };
  }

  /** Records last use at most once a minute per key, off the request path. */
  private touch(key: ApiKey, clientIp: string | undefined): void {
    if (this.lastUsedWritten.has(key.id)) return;
    this.lastUsedWritten.set(key.id, true);
    this.apiKeys
      .recordUse(key.tenantId, key.id, clientIp ?? null)
      .catch((error: Error) => log.warn('could not record key use', { error: error.message }));
  }

  private withEffectiveStatus(key: ApiKey): ApiKey {
    return key.status === 'active' && key.expiresAt && key.expiresAt <= new Date()
      ? { ...key, status: 'expired' }
      : key;
  }

  private validate(input: NewApiKey): void {
    const errors = [];
    const badScopes = input.scopes.filter((s) => !isScope(s));
    if (badScopes.length)
      errors.push({ field: 'scopes', message: `unknown scopes: ${badScopes.join(', ')}` });
    if (!input.scopes.length)
      errors.push({ field: 'scopes', message: 'must name at least one scope' });
    const unbacked = scopesBeyond(input.scopes.filter(isScope), input.creatorPermissions);
    if (unbacked.length)
      errors.push({
        field: 'scopes',
        message: `not backed by your permissions: ${unbacked.join(', ')}`,
      });
    for (const [field, list] of [
      ['allowed_ips', input.allowedIps],
      ['blocked_ips', input.blockedIps],
    ] as const) {
      const bad = (list ?? []).filter((ip) => !isValidIp(ip));
      if (bad.length) errors.push({ field, message: `not IP addresses: ${bad.join(', ')}` });
    }
    const badCidrs = (input.allowedCidrs ?? []).filter((c) => !isValidCidr(c));
    if (badCidrs.length)
      errors.push({ field: 'allowed_cidrs', message: `not CIDRs: ${badCidrs.join(', ')}` });
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
      errors.push({ field: 'expires_at', message: 'must be in the future' });
    if (errors.length) throw new ValidationFailed(errors);
  }

  private requireBackedScopes(
    scopes: readonly string[],
    permissions: ReadonlySet<string>,
    whose: string,
  ): void {
    const unbacked = scopesBeyond(scopes, permissions);
    if (unbacked.length)
      throw new ValidationFailed([
        { field: 'scopes', message: `not backed by ${whose} permissions: ${unbacked.join(', ')}` },
      ]);
  }

  static prefix(key: ApiKey): string {
    return displayPrefix(key.keyId);
  }
}
