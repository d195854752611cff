import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { clientIp, isIpAllowed } from '#net/ip-rules';
import type { AccessContext } from '../access/access-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RATE_LIMIT_METADATA, type RateLimitOptions } from './rate-limit.decorator';
import { RateLimited } from './rate-limit.errors';
import { retryAfterSeconds, showRateLimit } from './rate-limit-headers';
import { RateLimiter } from './rate-limiter.service';
import type { RateLimitRule, RequestFacts, RulePhase } from './rules/rate-limit-rule';
import { RateLimitRules } from './rules/rate-limit-rules.service';
import { matchesPath } from './rules/path-pattern';
import { counterKey } from './rules/rule-matching';
import { API_CALLS_QUOTA_RULE } from './rules/api-calls-quota';
import { QuotaExceeded } from '../quotas/quota-errors';
import { securityEvents } from '../observability/security-events';

type LimitedRequest = Request & { access?: AccessContext };

/**
 * The limiter at the edge, in two global guards around the access guard (see AuthModule):
 * rules on GLOBAL, IP and ENDPOINT scopes count before authentication, so a flood of bad
 * credentials is counted too; rules on USER, TENANT, API_KEY and CUSTOM scopes count once
 * the caller is known (public routes have none, and those rules leave them alone).
 */
@Injectable()
export abstract class RateLimitGuard implements CanActivate {
  protected abstract readonly phase: RulePhase;

  constructor(
    private readonly reflector: Reflector,
    private readonly rules: RateLimitRules,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.RATE_LIMIT_ENABLED || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<LimitedRequest>();
    const facts = this.factsOf(req);
    if (this.isExempt(facts)) return true;
    const rules = await this.rules.forRequest(facts, this.phase, this.routeRule(context));
    const checks = rules.flatMap((rule) => {
      const key = counterKey(rule, facts);
      return key === undefined
        ? []
        : [
            {
              rule: rule.name,
              key,
              spec: { strategy: rule.strategy, limit: rule.limit, windowMs: rule.windowS * 1000 },
            },
          ];
    });
    const verdict = await this.limiter.check(checks);
    if (!verdict) return true;
    const res = context.switchToHttp().getResponse<Response>();
    showRateLimit(res, verdict);
    if (verdict.allowed) return true;
    const retryAfterS = retryAfterSeconds(verdict);
    res.setHeader('Retry-After', String(retryAfterS));
    securityEvents.publish({
      type: 'rate_limit.exceeded',
      tenantId: facts.access?.tenantId,
      actorId: facts.access?.userId,
      ip: facts.ip,
      details: {
        rule: verdict.rule,
        limit: verdict.decision.limit,
        method: facts.method,
        path: facts.path,
      },
    });
    if (verdict.rule === API_CALLS_QUOTA_RULE)
      throw new QuotaExceeded(
        'api_calls_per_minute',
        verdict.decision.limit,
        new Date(verdict.decision.resetAtMs),
      );
    throw new RateLimited(retryAfterS, verdict.rule, verdict.decision.limit);
  }

  private factsOf(req: LimitedRequest): RequestFacts {
    const forwarded = req.headers['x-forwarded-for'];
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    return {
      method: req.method.toUpperCase(),
      path: req.path,
      route,
      ip: clientIp(
        req.socket.remoteAddress,
        Array.isArray(forwarded) ? forwarded[0] : forwarded,
        this.config.TRUSTED_PROXIES,
      ),
      access: req.access,
      header: (name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
    };
  }

  private isExempt(facts: RequestFacts): boolean {
    if (this.config.RATE_LIMIT_EXEMPT_PATHS.some((p) => matchesPath(p, facts.path))) return true;
    const ips = this.config.RATE_LIMIT_EXEMPT_IPS;
    if (!facts.ip || ips.length === 0) return false;
    return isIpAllowed(
      {
        allowedIps: ips.filter((e) => !e.includes('/')),
        allowedCidrs: ips.filter((e) => e.includes('/')),
        blockedIps: [],
      },
      facts.ip,
    );
  }

  private routeRule(context: ExecutionContext): RateLimitRule | undefined {
    const options = this.reflector.getAllAndOverride<RateLimitOptions | undefined>(
      RATE_LIMIT_METADATA,
      [context.getHandler(), context.getClass()],
    );
    if (!options) return undefined;
    return {
      name: options.name ?? `${context.getClass().name}.${context.getHandler().name}`,
      path: '/**',
      methods: [],
      strategy: options.strategy ?? 'SLIDING_WINDOW',
      scope: options.scope ?? 'IP',
      limit: options.limit,
      windowS: options.windowS,
      key: options.key,
    };
  }
}

@Injectable()
export class RateLimitBeforeAuthenticationGuard extends RateLimitGuard {
  protected readonly phase = 'before-authentication';
}

@Injectable()
export class RateLimitAfterAuthenticationGuard extends RateLimitGuard {
  protected readonly phase = 'after-authentication';
}
