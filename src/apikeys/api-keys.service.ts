import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound, TtlCache, uuidv7, ValidationFailed } from '../../libs/common/src';
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
import { isIpAllowed, isValidCidr, isValidIp } from '../../libs/net/src/ip-rules';
import type { RateLimits } from './rate-limiter';

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

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  key_id: string;
  secret_hash: string;
  name: string;
  type: ApiKeyType;
  status: ApiKeyStatus;
  scopes: string[];
  owner_user_id: string;
  expires_at: Date | null;
  rate_limit_per_minute: number;
  rate_limit_per_hour: number;
  rate_limit_per_day: number;
  rate_limit_burst: number;
  allowed_ips: string[];
  allowed_cidrs: string[];
  blocked_ips: string[];
  last_used_at: Date | null;
  last_used_ip: string | null;
  rotated_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const date = (d: Date | null) => (d ? new Date(d) : null);
const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  tenantId: r.tenant_id,
  keyId: r.key_id,
  secretHash: r.secret_hash,
  name: r.name,
  type: r.type,
  status: r.status,
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
    private readonly dataSource: DataSource,
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
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `INSERT INTO api_keys (id, tenant_id, key_id, secret_hash, name, type, scopes, owner_user_id,
         expires_at, rate_limit_per_minute, rate_limit_per_hour, rate_limit_per_day, rate_limit_burst,
         allowed_ips, allowed_cidrs, blocked_ips)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING *`,
      [
        uuidv7(),
        tenantId,
        generated.keyId,
        generated.secretHash,
        input.name,
        input.type,
        [...new Set(input.scopes)],
        ownerUserId,
        input.expiresAt ?? null,
        limits.perMinute,
        limits.perHour,
        limits.perDay,
        limits.burst,
        input.allowedIps ?? [],
        input.allowedCidrs ?? [],
        input.blockedIps ?? [],
      ],
    );
    this.byKeyId.delete(generated.keyId);
    return { key: toApiKey(rows[0]), plaintext: generated.plaintext };
  }

  /** Keys of a tenant; only the owner's unless `ownerUserId` is omitted (managers). */
  async list(tenantId: string, ownerUserId?: string): Promise<ApiKey[]> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `SELECT * FROM api_keys WHERE tenant_id = $1 AND ($2::uuid IS NULL OR owner_user_id = $2::uuid)
       ORDER BY created_at DESC, id`,
      [tenantId, ownerUserId ?? null],
    );
    return rows.map(toApiKey).map((k) => this.withEffectiveStatus(k));
  }

  async get(tenantId: string, id: string, ownerUserId?: string): Promise<ApiKey> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `SELECT * FROM api_keys WHERE tenant_id = $1 AND id = $2 AND ($3::uuid IS NULL OR owner_user_id = $3::uuid)`,
      [tenantId, id, ownerUserId ?? null],
    );
    if (!rows.length) throw new NotFound('api-key', id);
    return this.withEffectiveStatus(toApiKey(rows[0]));
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
    const [rows] = await this.dataSource.query(
      `UPDATE api_keys SET key_id = $3, secret_hash = $4, rotated_at = now(), updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING *`,
      [tenantId, id, generated.keyId, generated.secretHash],
    );
    this.byKeyId.delete(generated.keyId);
    await accessInvalidation.keyChanged(current.keyId);
    return { key: toApiKey((rows as ApiKeyRow[])[0]), plaintext: generated.plaintext };
  }

  async revoke(tenantId: string, id: string, ownerUserId?: string): Promise<ApiKey> {
    const current = await this.get(tenantId, id, ownerUserId);
    const [rows] = await this.dataSource.query(
      `UPDATE api_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, now()), updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING *`,
      [tenantId, id],
    );
    await accessInvalidation.keyChanged(current.keyId);
    return toApiKey((rows as ApiKeyRow[])[0]);
  }

  async delete(tenantId: string, id: string, ownerUserId?: string): Promise<void> {
    const current = await this.get(tenantId, id, ownerUserId);
    await this.dataSource.query(`DELETE FROM api_keys WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ]);
    await accessInvalidation.keyChanged(current.keyId);
  }

  async countActive(tenantId: string): Promise<number> {
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM api_keys WHERE tenant_id = $1`,
      [tenantId],
    );
    return count;
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
      const rows: ApiKeyRow[] = await this.dataSource.query(
        `SELECT * FROM api_keys WHERE key_id = $1`,
        [parsed.keyId],
      );
      const stored = rows[0] ? toApiKey(rows[0]) : undefined;
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
    this.dataSource
      .query(
        `UPDATE api_keys SET last_used_at = now(), last_used_ip = $3 WHERE tenant_id = $1 AND id = $2`,
        [key.tenantId, key.id, clientIp ?? null],
      )
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
