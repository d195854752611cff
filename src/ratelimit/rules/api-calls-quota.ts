import type { RateLimitRule } from './rate-limit-rule';

/** The rule that counts a tenant's API calls per minute against its quota. */
export const API_CALLS_QUOTA_RULE = 'quota-api-calls-per-minute';

/** Every authenticated call under /api counts, per tenant, in windows of a whole minute. */
export const apiCallsQuotaRule = (limit: number): RateLimitRule => ({
  name: API_CALLS_QUOTA_RULE,
  path: '/api/**',
  methods: [],
  strategy: 'FIXED_WINDOW',
  scope: 'TENANT',
  limit,
  windowS: 60,
});
