import type { TenantTier } from '../../common/tenant-tier';
import type { RateLimitRule } from './rate-limit-rule';

export interface TierLimits {
  requestsPerMinute: number;
  goalsPerMinute: number;
  agents: number;
  apiCallsPerMinute: number;
}

/** Each tier's defaults, per tenant. */
export const TIER_LIMITS: Record<TenantTier, TierLimits> = {
  FREE: { requestsPerMinute: 10, goalsPerMinute: 5, agents: 3, apiCallsPerMinute: 10 },
  STARTER: { requestsPerMinute: 30, goalsPerMinute: 15, agents: 10, apiCallsPerMinute: 30 },
  PROFESSIONAL: { requestsPerMinute: 100, goalsPerMinute: 50, agents: 30, apiCallsPerMinute: 100 },
  ENTERPRISE: {
    requestsPerMinute: 1000,
    goalsPerMinute: 500,
    agents: 200,
    apiCallsPerMinute: 1000,
  },
};

/**
 * The limiter's share of a tier: requests per minute on every route and goals per minute
 * on goal creation, counted per tenant. (Agents and API calls are quotas, counted elsewhere.)
 */
export function tierRules(tier: TenantTier): RateLimitRule[] {
  const limits = TIER_LIMITS[tier];
  return [
    {
      name: `tier-${tier.toLowerCase()}-requests`,
      path: '/**',
      methods: [],
      strategy: 'SLIDING_WINDOW',
      scope: 'TENANT',
      limit: limits.requestsPerMinute,
      windowS: 60,
    },
    {
      name: `tier-${tier.toLowerCase()}-goals`,
      path: '/api/v1/goals',
      methods: ['POST'],
      strategy: 'SLIDING_WINDOW',
      scope: 'TENANT',
      limit: limits.goalsPerMinute,
      windowS: 60,
    },
  ];
}
