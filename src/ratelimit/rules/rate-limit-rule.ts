import type { AccessContext } from '../../access/access-context';
import type { RateLimitRuleDefinition, RateLimitScope } from '../../common/rate-limit-rule';

/** What a rule's key may depend on. */
export interface RequestFacts {
  method: string;
  path: string;
  /** The route's pattern (`/api/v1/goals/:id`): ENDPOINT counts per route, not per id. */
  route: string;
  /** From the socket, or X-Forwarded-For when the peer is a trusted proxy. */
  ip?: string;
  /** The authenticated caller; absent before authentication and on public routes. */
  access?: AccessContext;
  header(name: string): string | undefined;
}

/** A rule in force: from settings, the admin API, a route's @RateLimit() or a tier's defaults. */
export interface RateLimitRule extends RateLimitRuleDefinition {
  /** CUSTOM scope in code: the counter's key, or undefined to leave the request alone. */
  key?: (facts: RequestFacts) => string | undefined;
}

/** Scopes that need no caller, so they are counted before authentication. */
const BEFORE_AUTHENTICATION: ReadonlySet<RateLimitScope> = new Set(['GLOBAL', 'IP', 'ENDPOINT']);

export type RulePhase = 'before-authentication' | 'after-authentication';

export const phaseOf = (rule: RateLimitRule): RulePhase =>
  BEFORE_AUTHENTICATION.has(rule.scope) ? 'before-authentication' : 'after-authentication';
