import { Injectable } from '@nestjs/common';
import type { SqlExecutor } from '../database/query-builder';
import {
  TenantPurgeRepository,
  type CatalogForeignKey,
  type CatalogTable,
  type OwnedTable,
} from './tenant-purge.repository';

/** Where a tenant's rows are, read from the catalog so a table added later is covered. */
export interface TenantTablePlan {
  schema: string;
  /** Every table holding rows of a tenant except `tenants`, children before parents. */
  deletionOrder: OwnedTable[];
}

/** A key whose parent rows may go first: the database removes or detaches the children. */
const DETACHES = new Set(['c', 'n', 'd']);

@Injectable()
export class TenantTables {
  constructor(private readonly catalog: TenantPurgeRepository) {}

  async discover(executor: SqlExecutor): Promise<TenantTablePlan> {
    const tables = await this.catalog.tables(executor);
    const keys = await this.catalog.foreignKeys(executor);
    return planTenantTables(tables, keys);
  }
}

export function planTenantTables(
  tables: CatalogTable[],
  keys: CatalogForeignKey[],
): TenantTablePlan {
  const schema = tables.find((t) => t.name === 'tenants')?.schema;
  if (!schema) throw new Error('The current schema has no tenants table');
  const owned = ownedTables(tables, keys);
  owned.delete('tenants');
  const names = [...owned.keys()].sort();
  const order =
    deletionOrder(names, keys) ??
    deletionOrder(
      names,
      keys.filter((key) => !DETACHES.has(key.on_delete)),
    );
  if (!order) {
    throw new Error(`Foreign keys among tenant tables form a cycle: ${names.join(', ')}`);
  }
  return { schema, deletionOrder: order.map((name) => owned.get(name) as OwnedTable) };
}

/**
 * `tenants`, the tables with `tenant_id`, and then, level by level, the tables without it
 * whose foreign keys point into tables already owned (no such table exists today; one a
 * future migration adds is purged through those keys). A table's keys only reach earlier
 * levels, so the conditions built from them nest finitely.
 */
function ownedTables(tables: CatalogTable[], keys: CatalogForeignKey[]): Map<string, OwnedTable> {
  const owned = new Map<string, OwnedTable>([
    ['tenants', { name: 'tenants', owner: { by: 'id' } }],
  ]);
  for (const t of tables) {
    if (t.has_tenant_id) owned.set(t.name, { name: t.name, owner: { by: 'tenant_id' } });
  }
  for (;;) {
    const level: OwnedTable[] = [];
    for (const t of tables) {
      if (owned.has(t.name)) continue;
      const into = keys.filter((k) => k.child === t.name && owned.has(k.parent));
      if (into.length === 0) continue;
      const references = into.map((k) => ({
        columns: k.columns,
        parent: owned.get(k.parent) as OwnedTable,
        parent_columns: k.parent_columns,
      }));
      level.push({ name: t.name, owner: { by: 'references', keys: references } });
    }
    if (level.length === 0) return owned;
    for (const t of level) owned.set(t.name, t);
  }
}

/**
 * The tables so that each comes before every table it references (self-references
 * ignored), or undefined when the keys form a cycle.
 */
function deletionOrder(names: string[], keys: CatalogForeignKey[]): string[] | undefined {
  const among = new Set(names);
  const edges = keys.filter(
    (k) => k.child !== k.parent && among.has(k.child) && among.has(k.parent),
  );
  const order: string[] = [];
  const left = new Set(names);
  while (left.size > 0) {
    const free = [...left].filter(
      (name) => !edges.some((k) => k.parent === name && left.has(k.child)),
    );
    if (free.length === 0) return undefined;
    for (const name of free) {
      order.push(name);
      left.delete(name);
    }
  }
  return order;
}
