import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Conflict, NotFound } from '#common';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { atomically } from '../common/ambient-transaction';
import { inTransaction } from '../database/transaction';
import { logFor } from '../observability/logger';
import { securityEvents } from '../observability/security-events';
import { TenantRepository } from '../tenancy/tenant.repository';
import { TenantPurgeRepository } from './tenant-purge.repository';
import { TenantTables } from './tenant-tables';

const log = logFor('TenantPurge');

/** How many due tenants one `purgeDue` run takes on. */
const DUE_BATCH = 100;

export interface PurgeReport {
  /** Rows deleted per table, `tenants` last. */
  tables: Record<string, number>;
}

export interface DuePurgeReport {
  purged: Array<{ tenantId: string } & PurgeReport>;
  failed: string[];
}

/** Removes every row a deleted tenant owns, and its tenants row, once it is due. */
@Injectable()
export class TenantPurge {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantRepository,
    private readonly rows: TenantPurgeRepository,
    private readonly tenantTables: TenantTables,
  ) {}

  /** Purges one tenant now, in one transaction; only a tenant in status DELETED. */
  async purge(tenantId: string): Promise<PurgeReport> {
    if (tenantId === DEFAULT_TENANT_ID) {
      throw new Conflict(
        'tenant-not-purgeable',
        'Tenant cannot be purged',
        'The default tenant is never purged.',
      );
    }
    // atomically: the purge and the event reporting it (published inside) commit together
    return atomically(this.dataSource, () => this.purgeWithin(tenantId));
  }

  private purgeWithin(tenantId: string): Promise<PurgeReport> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const status = await this.tenants.lockForPurge(manager, tenantId);
      if (status === undefined) throw new NotFound('tenant', tenantId);
      if (status !== 'DELETED') {
        throw new Conflict(
          'tenant-not-purgeable',
          'Tenant cannot be purged',
          `Tenant ${tenantId} is ${status}; only a DELETED tenant is purged.`,
        );
      }
      await this.rows.admitTenant(manager, tenantId);
      const plan = await this.tenantTables.discover(manager);
      const tables: Record<string, number> = {};
      for (const table of plan.deletionOrder) {
        tables[table.name] = await this.rows.deleteOwned(manager, plan.schema, table, tenantId);
      }
      tables.tenants = await this.tenants.deletePurged(manager, tenantId);
      securityEvents.publish({
        type: 'tenant.purged',
        // the purged tenant's own log went with it: the platform's tenant keeps the record
        tenantId: DEFAULT_TENANT_ID,
        details: { tenant_id: tenantId, rows: Object.values(tables).reduce((a, b) => a + b, 0) },
      });
      return { tables };
    });
  }

  /** Purges the deleted tenants whose retention ended by `now`; a failure skips only that tenant. */
  async purgeDue(now = new Date()): Promise<DuePurgeReport> {
    const report: DuePurgeReport = { purged: [], failed: [] };
    for (const tenantId of await this.tenants.duePurge(DUE_BATCH, now)) {
      try {
        report.purged.push({ tenantId, ...(await this.purge(tenantId)) });
        log.info('tenant purged', { tenantId });
      } catch (error) {
        report.failed.push(tenantId);
        log.error('tenant purge failed', {
          tenantId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return report;
  }
}
