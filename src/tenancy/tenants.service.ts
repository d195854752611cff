import { Inject, Injectable } from '@nestjs/common';
import { Conflict, NotFound } from '#common';
import { uuidv7 } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { SqlExecutor } from '../database/query-builder';
import { allowedFrom, nextStatus, type TenantAction, type TenantStatus } from './tenant-lifecycle';
import {
  TenantRepository,
  type TenantChange,
  type TenantMerge,
  type TenantRow,
} from './tenant.repository';
import { quotaLimitsOf, type QuotaLimits, type QuotaResource, type TenantTier } from './tiers';

export type TenantConfig = Record<string, unknown>;
export type QuotaOverrides = Partial<Record<QuotaResource, number | null>>;

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  tier: TenantTier;
  /** Why the tenant is in its status (a suspension's reason). */
  statusReason: string | null;
  ownerEmail: string | null;
  config: TenantConfig;
  quotaOverrides: QuotaOverrides;
  /** The tier's quotas with the overrides applied. */
  quotas: QuotaLimits;
  /** Every user must sign in with a second factor (and enroll one at next sign-in). */
  mfaRequired: boolean;
  createdAt: Date;
  deletedAt: Date | null;
  purgeAfter: Date | null;
}

const toTenant = (r: TenantRow): Tenant => {
  const quotaOverrides = (r.quota_overrides ?? {}) as QuotaOverrides;
  const tier = r.tier as TenantTier;
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    status: r.status as TenantStatus,
    tier,
    statusReason: r.status_reason,
    ownerEmail: r.owner_email,
    config: (r.config ?? {}) as TenantConfig,
    quotaOverrides,
    quotas: quotaLimitsOf(tier, quotaOverrides),
    mfaRequired: r.mfa_required,
    createdAt: new Date(r.created_at),
    deletedAt: r.deleted_at ? new Date(r.deleted_at) : null,
    purgeAfter: r.purge_after ? new Date(r.purge_after) : null,
  };
};

export interface NewTenant {
  slug: string;
  name: string;
  tier?: TenantTier;
  status?: Extract<TenantStatus, 'PENDING' | 'ACTIVE'>;
  ownerEmail?: string;
  config?: TenantConfig;
  quotaOverrides?: QuotaOverrides;
}

export interface TenantUpdate {
  name?: string;
  tier?: TenantTier;
  ownerEmail?: string | null;
  /** Keys merged over the saved configuration. */
  config?: TenantConfig;
  /** Overrides merged over the saved ones; a resource left out keeps its override. */
  quotaOverrides?: QuotaOverrides;
}

/** Only the keys given a value: an absent (undefined) key must not erase a saved one. */
const definedEntries = (object: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

export class TenantStatusConflict extends Conflict {
  constructor(tenant: Tenant, action: TenantAction) {
    super(
      'tenant-status-conflict',
      'Not possible in this status',
      `Tenant ${tenant.id} is ${tenant.status}; ${action} applies to a tenant that is ${allowedFrom(action).join(' or ')}.`,
      { tenant_status: tenant.status, action },
    );
  }
}

/** Tenants: creation, settings, tier and quotas, and the lifecycle moves. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: NewTenant): Promise<Tenant> {
    const row = await this.tenants.insert({
      id: uuidv7(),
      slug: input.slug,
      name: input.name,
      tier: input.tier ?? this.config.TENANT_DEFAULT_TIER,
      status: input.status ?? 'ACTIVE',
      owner_email: input.ownerEmail ?? null,
      config: JSON.stringify(input.config ?? {}),
      quota_overrides: JSON.stringify(input.quotaOverrides ?? {}),
    });
    if (!row)
      throw new Conflict(
        'tenant-exists',
        'Tenant exists',
        `A tenant with slug ${input.slug} exists.`,
      );
    return toTenant(row);
  }

  async get(id: string): Promise<Tenant> {
    const row = await this.tenants.byId(id);
    if (!row) throw new NotFound('tenant', id);
    return toTenant(row);
  }

  /** The tenant, or undefined when there is none with this id (read on `executor` if given). */
  async find(id: string, executor?: SqlExecutor): Promise<Tenant | undefined> {
    const row = await this.tenants.byId(id, executor);
    return row ? toTenant(row) : undefined;
  }

  async findBySlug(slug: string): Promise<Tenant | undefined> {
    const row = await this.tenants.bySlug(slug);
    return row ? toTenant(row) : undefined;
  }

  /** A tenant by id or slug (the CLI and login accept either). */
  async findByRef(ref: string): Promise<Tenant | undefined> {
    const row = await this.tenants.byIdOrSlug(ref.toLowerCase());
    return row ? toTenant(row) : undefined;
  }

  async list(includeDeleted = false): Promise<Tenant[]> {
    return (await this.tenants.all(includeDeleted)).map(toTenant);
  }

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.tenants.atomically(work);
  }

  async update(id: string, update: TenantUpdate): Promise<Tenant> {
    if (id === DEFAULT_TENANT_ID && (update.tier !== undefined || update.quotaOverrides))
      throw new Conflict(
        'default-tenant',
        'The default tenant stays',
        "The installation's own tenant keeps the ENTERPRISE tier with no limits.",
      );
    const change: TenantChange = {};
    if (update.name !== undefined) change.name = update.name;
    if (update.tier !== undefined) change.tier = update.tier;
    if (update.ownerEmail !== undefined) change.owner_email = update.ownerEmail;
    // merged in the statement, so two concurrent changes of different keys both stay
    const merge: TenantMerge = {};
    if (update.config !== undefined) merge.config = JSON.stringify(definedEntries(update.config));
    if (update.quotaOverrides !== undefined)
      merge.quota_overrides = JSON.stringify(definedEntries(update.quotaOverrides));
    const row = await this.tenants.update(id, change, merge);
    if (!row) throw new NotFound('tenant', id);
    await accessInvalidation.tenantChanged(id);
    return toTenant(row);
  }

  async setMfaRequired(id: string, required: boolean): Promise<Tenant> {
    const row = await this.tenants.setMfaRequired(id, required);
    if (!row) throw new NotFound('tenant', id);
    await accessInvalidation.tenantChanged(id);
    return toTenant(row);
  }

  /**
   * Moves the tenant in its lifecycle; the move is made only from the status it was read in,
   * so two concurrent moves cannot both apply. Every process hears of it before this returns.
   */
  async transition(id: string, action: TenantAction, reason: string | null): Promise<Tenant> {
    const tenant = await this.get(id);
    if (id === DEFAULT_TENANT_ID && (action === 'delete' || action === 'suspend'))
      throw new Conflict(
        'default-tenant',
        'The default tenant stays',
        `The installation's own tenant cannot be ${action === 'delete' ? 'deleted' : 'suspended'}.`,
      );
    const to = nextStatus(tenant.status, action);
    if (!to) throw new TenantStatusConflict(tenant, action);
    const row = await this.tenants.move(id, {
      from: [tenant.status],
      to,
      reason,
      purgeAfterDays: this.config.TENANT_RETENTION_DAYS,
    });
    if (!row) throw new TenantStatusConflict(await this.get(id), action);
    await accessInvalidation.tenantChanged(id);
    return toTenant(row);
  }
}
