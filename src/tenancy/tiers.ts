import { TENANT_TIERS, type TenantTier } from '../common/tenant-tier';

export { TENANT_TIERS, type TenantTier };

/** What a tenant's quotas count. */
export const QUOTA_RESOURCES = [
  'goals_per_day',
  'tokens_per_day',
  'agents',
  'workers',
  'storage_mb',
  'api_calls_per_minute',
] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** A limit per resource; null is no limit. */
export type QuotaLimits = Record<QuotaResource, number | null>;

/** Each tier's quotas: the defaults a tenant has unless its own override says otherwise. */
export const TIER_QUOTAS: Record<TenantTier, QuotaLimits> = {
  FREE: {
    goals_per_day: 10,
    tokens_per_day: 10_000,
    agents: 3,
    workers: 1,
    storage_mb: 100,
    api_calls_per_minute: 10,
  },
  STARTER: {
    goals_per_day: 50,
    tokens_per_day: 50_000,
    agents: 5,
    workers: 2,
    storage_mb: 500,
    api_calls_per_minute: 30,
  },
  PROFESSIONAL: {
    goals_per_day: 200,
    tokens_per_day: 200_000,
    agents: 20,
    workers: 10,
    storage_mb: 2_000,
    api_calls_per_minute: 100,
  },
  ENTERPRISE: {
    goals_per_day: 10_000,
    tokens_per_day: 10_000_000,
    agents: 100,
    workers: 50,
    storage_mb: 20_000,
    api_calls_per_minute: 1_000,
  },
};

/** The tier's quotas with the tenant's overrides on top (an override of null lifts a limit). */
export function quotaLimitsOf(
  tier: TenantTier,
  overrides: Partial<Record<QuotaResource, number | null>>,
): QuotaLimits {
  const limits = { ...TIER_QUOTAS[tier] };
  for (const resource of QUOTA_RESOURCES)
    if (resource in overrides && overrides[resource] !== undefined)
      limits[resource] = overrides[resource] ?? null;
  return limits;
}

export const isTenantTier = (value: unknown): value is TenantTier =>
  typeof value === 'string' && (TENANT_TIERS as readonly string[]).includes(value);
