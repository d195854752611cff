import { Inject, Injectable } from '@nestjs/common';
import { uuidv7 } from '#common';
import type { RateLimitRuleDefinition } from '../../common/rate-limit-rule';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RateLimitRuleNameTaken, RateLimitRuleNotFound } from '../rate-limit.errors';
import { TenantDirectory } from '../../tenancy/tenant-directory';
import { apiCallsQuotaRules } from './api-calls-quota';
import { type RateLimitRuleRow, RateLimitRuleRepository } from './rate-limit-rule.repository';
import { phaseOf, type RateLimitRule, type RequestFacts, type RulePhase } from './rate-limit-rule';
import { ruleApplies } from './rule-matching';
import { tierRules } from './tier-limits';

export interface StoredRateLimitRule extends RateLimitRuleDefinition {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

const toRule = (row: RateLimitRuleRow): StoredRateLimitRule => ({
  id: row.id,
  name: row.name,
  path: row.path,
  methods: row.methods,
  strategy: row.strategy as StoredRateLimitRule['strategy'],
  scope: row.scope as StoredRateLimitRule['scope'],
  limit: row.limit,
  windowS: row.window_s,
  keyHeader: row.key_header ?? undefined,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/**
 * The rules in force: from settings, from the admin API (stored, re-read by every process
 * within RATE_LIMIT_RULES_REFRESH_MS), the route's own @RateLimit(), the tenant's API calls
 * quota, and the tenant's tier defaults when they are on.
 */
@Injectable()
export class RateLimitRules {
  private stored: { rules: StoredRateLimitRule[]; readAt: number } | undefined;
  private reading: Promise<StoredRateLimitRule[]> | undefined;

  constructor(
    private readonly repository: RateLimitRuleRepository,
    private readonly directory: TenantDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forRequest(
    facts: RequestFacts,
    phase: RulePhase,
    routeRule: RateLimitRule | undefined,
  ): Promise<RateLimitRule[]> {
    const candidates: RateLimitRule[] = [
      ...this.config.RATE_LIMIT_RULES,
      ...(await this.adminRules()),
    ];
    if (routeRule) candidates.push(routeRule);
    if (facts.access) candidates.push(...(await this.tenantRules(facts.access.tenantId)));
    return candidates.filter((r) => phaseOf(r) === phase && ruleApplies(r, facts));
  }

  /** The rules that come from the tenant: its API calls quota, and its tier's when they are on. */
  async tenantRules(tenantId: string): Promise<RateLimitRule[]> {
    const tenant = await this.directory.lookup(tenantId);
    if (!tenant) return [];
    const rules: RateLimitRule[] = [];
    if (tenant.quotas.api_calls_per_minute !== null)
      rules.push(...apiCallsQuotaRules(tenant.quotas.api_calls_per_minute));
    if (this.config.RATE_LIMIT_TIER_DEFAULTS) rules.push(...tierRules(tenant.tier));
    return rules;
  }

  /** Every rule that counts per tenant for this tenant (what its administrators see). */
  async perTenant(tenantId: string): Promise<RateLimitRule[]> {
    return [
      ...this.config.RATE_LIMIT_RULES,
      ...(await this.adminRules()),
      ...(await this.tenantRules(tenantId)),
    ].filter((r) => r.scope === 'TENANT');
  }

  settingsRules(): readonly RateLimitRuleDefinition[] {
    return this.config.RATE_LIMIT_RULES;
  }

  async list(): Promise<StoredRateLimitRule[]> {
    return (await this.repository.all()).map(toRule);
  }

  async get(id: string): Promise<StoredRateLimitRule> {
    const row = await this.repository.byId(id);
    if (!row) throw new RateLimitRuleNotFound(id);
    return toRule(row);
  }

  async create(rule: RateLimitRuleDefinition, createdBy: string): Promise<StoredRateLimitRule> {
    this.refuseSettingsName(rule.name);
    try {
      const row = await this.repository.insert({
        id: uuidv7(),
        name: rule.name,
        path: rule.path,
        methods: rule.methods,
        strategy: rule.strategy,
        scope: rule.scope,
        limit: rule.limit,
        window_s: rule.windowS,
        key_header: rule.keyHeader ?? null,
        created_by: createdBy,
      });
      return this.changed(toRule(row));
    } catch (error) {
      if (isUniqueViolation(error)) throw new RateLimitRuleNameTaken(rule.name);
      throw error;
    }
  }

  async update(id: string, change: Partial<RateLimitRuleDefinition>): Promise<StoredRateLimitRule> {
    if (change.name) this.refuseSettingsName(change.name);
    try {
      const row = await this.repository.update(id, {
        name: change.name,
        path: change.path,
        methods: change.methods,
        strategy: change.strategy,
        scope: change.scope,
        limit: change.limit,
        window_s: change.windowS,
        key_header: change.keyHeader,
      });
      if (!row) throw new RateLimitRuleNotFound(id);
      return this.changed(toRule(row));
    } catch (error) {
      if (isUniqueViolation(error)) throw new RateLimitRuleNameTaken(change.name ?? id);
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repository.remove(id))) throw new RateLimitRuleNotFound(id);
    this.stored = undefined;
  }

  private refuseSettingsName(name: string): void {
    if (this.config.RATE_LIMIT_RULES.some((r) => r.name === name))
      throw new RateLimitRuleNameTaken(name);
  }

  private changed(rule: StoredRateLimitRule): StoredRateLimitRule {
    this.stored = undefined;
    return rule;
  }

  private async adminRules(): Promise<StoredRateLimitRule[]> {
    const now = Date.now();
    if (this.stored && now - this.stored.readAt < this.config.RATE_LIMIT_RULES_REFRESH_MS)
      return this.stored.rules;
    // a failed read keeps the rules last read (and tries again on the next request)
    this.reading ??= this.list()
      .then((rules) => {
        this.stored = { rules, readAt: Date.now() };
        return rules;
      })
      .catch(() => this.stored?.rules ?? [])
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}
