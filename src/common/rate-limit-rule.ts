/** Names shared by the rate limiter and its settings (the config schema validates rules with them). */
export const RATE_LIMIT_STRATEGIES = ['FIXED_WINDOW', 'SLIDING_WINDOW', 'TOKEN_BUCKET'] as const;
export type RateLimitStrategy = (typeof RATE_LIMIT_STRATEGIES)[number];

/**
 * Who shares a counter: everyone, an address, a user, a tenant, an API key, an address on
 * one route, or the value of a key function (a request header for configured rules).
 */
export const RATE_LIMIT_SCOPES = [
  'GLOBAL',
  'IP',
  'USER',
  'TENANT',
  'API_KEY',
  'ENDPOINT',
  'CUSTOM',
] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

/** A rule as settings and the admin API describe it. */
export interface RateLimitRuleDefinition {
  name: string;
  /** `*` stands for one path segment, `**` for any number. */
  path: string;
  /** Upper case; empty means every method. */
  methods: string[];
  strategy: RateLimitStrategy;
  scope: RateLimitScope;
  limit: number;
  windowS: number;
  /** CUSTOM scope: the request header whose value keys the counter. */
  keyHeader?: string;
}
