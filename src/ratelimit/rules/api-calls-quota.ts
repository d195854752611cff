import type { RateLimitRule } from './rate-limit-rule';

/** The rule that counts a tenant's API calls per minute against its quota. */
export const API_CALLS_QUOTA_RULE = 'quota-api-calls-per-minute';

/**
 * Every authenticated call under /api and to /mcp (the same operations through the Model
 * Context Protocol) counts, per tenant, in windows of a whole minute. Both rules carry one
 * name, so they move one counter.
 */
export const apiCallsQuotaRules = (limit: number): RateLimitRule[] =>
  ['/api/**', '/mcp'].map((path) => ({
    name: API_CALLS_QUOTA_RULE,
    path,
    methods: [],
    strategy: 'FIXED_WINDOW',
    scope: 'TENANT',
    limit,
    windowS: 60,
  }));
