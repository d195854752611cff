import { SetMetadata } from '@nestjs/common';
import type { RateLimitScope, RateLimitStrategy } from '../common/rate-limit-rule';
import type { RequestFacts } from './rules/rate-limit-rule';

export const RATE_LIMIT_METADATA = 'agent-village:rate-limit';

export interface RateLimitOptions {
  limit: number;
  windowS: number;
  /** Default: the route's class and method names. */
  name?: string;
  strategy?: RateLimitStrategy;
  /** Default IP. */
  scope?: RateLimitScope;
  /** CUSTOM scope: the counter's key; undefined leaves the request alone. */
  key?: (facts: RequestFacts) => string | undefined;
}

/** A limit on this route (or every route of a controller), in addition to configured rules. */
export const RateLimit = (options: RateLimitOptions) => SetMetadata(RATE_LIMIT_METADATA, options);
