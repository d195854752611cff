import { matchesPath } from './path-pattern';
import type { RateLimitRule, RequestFacts } from './rate-limit-rule';

export const ruleApplies = (rule: RateLimitRule, facts: RequestFacts): boolean =>
  (rule.methods.length === 0 || rule.methods.includes(facts.method)) &&
  matchesPath(rule.path, facts.path);

/**
 * The counter a request moves under a rule, or undefined when the rule does not reach it
 * (a USER rule on an anonymous request, a CUSTOM rule whose key is missing).
 */
export function counterKey(rule: RateLimitRule, facts: RequestFacts): string | undefined {
  const access = facts.access;
  switch (rule.scope) {
    case 'GLOBAL':
      return 'global';
    case 'IP':
      return facts.ip;
    case 'ENDPOINT':
      return facts.ip && `${facts.ip}:${facts.method} ${facts.route}`;
    case 'USER':
      return access?.userId;
    case 'TENANT':
      return access?.tenantId;
    case 'API_KEY':
      return access?.principal.kind === 'api_key' ? access.principal.apiKeyId : undefined;
    case 'CUSTOM': {
      const value = rule.key
        ? rule.key(facts)
        : rule.keyHeader
          ? facts.header(rule.keyHeader)
          : undefined;
      return value ? value.slice(0, 200) : undefined;
    }
  }
}
