import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import type { DashboardSettings } from '../database/schema.generated';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

export type DashboardSettingsRow = Selectable<DashboardSettings>;

/** Every statement on `dashboard_settings`, one row per tenant; each takes the tenant's id. */
const statements = {
  ofTenant: (tenantId: string) =>
    db
      .selectFrom('dashboard_settings')
      .select(['settings', 'updated_at'])
      .where('tenant_id', '=', tenantId),
  /** Merges `settings` over the tenant's saved ones: keys not given keep their value. */
  merge: (tenantId: string, settings: Record<string, unknown>, updatedBy: string | null) =>
    db
      .insertInto('dashboard_settings')
      .values({
        tenant_id: tenantId,
        settings: JSON.stringify(settings),
        updated_by: updatedBy,
        updated_at: db.fn('now'),
      })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet((eb) => ({
          settings: eb('dashboard_settings.settings', '||', eb.ref('excluded.settings')),
          updated_by: eb.ref('excluded.updated_by'),
          updated_at: db.fn('now'),
        })),
      ),
};

@Injectable()
export class DashboardSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  ofTenant(
    tenantId: string,
  ): Promise<Pick<DashboardSettingsRow, 'settings' | 'updated_at'> | undefined> {
    return firstOf(this.dataSource, statements.ofTenant(tenantId));
  }

  async merge(
    tenantId: string,
    settings: Record<string, unknown>,
    updatedBy: string | null,
  ): Promise<void> {
    await rowsOf(this.dataSource, statements.merge(tenantId, settings, updatedBy));
  }
}

export const dashboardSettingsStatements: StatementCatalog = {
  file: 'src/dashboard/queries/dashboard-settings.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    return [
      { name: 'ofTenant', statement: statements.ofTenant(tenant) },
      { name: 'merge', statement: statements.merge(tenant, { theme: 'dark' }, null) },
    ];
  },
};
