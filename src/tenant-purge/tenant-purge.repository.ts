import { Injectable } from '@nestjs/common';
import { sql, type Compilable, type RawBuilder } from 'kysely';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** A table of the current schema, as the catalog lists it. */
export interface CatalogTable {
  schema: string;
  name: string;
  has_tenant_id: boolean;
}

/** A foreign key between two tables of the current schema; columns in key order. */
export interface CatalogForeignKey {
  child: string;
  columns: string[];
  parent: string;
  parent_columns: string[];
  /** `pg_constraint.confdeltype`: a no action, r restrict, c cascade, n set null, d set default. */
  on_delete: string;
}

/** A foreign key through which a table's rows belong to the owned rows of its parent. */
export interface OwningReference {
  columns: string[];
  parent: OwnedTable;
  parent_columns: string[];
}

/**
 * A table holding rows of a tenant, and how they are found: by its `tenant_id` column,
 * by `id` (the `tenants` table itself), or, for a table without `tenant_id`, by any of
 * its foreign keys pointing at a row the tenant owns.
 */
export interface OwnedTable {
  name: string;
  owner: { by: 'tenant_id' } | { by: 'id' } | { by: 'references'; keys: OwningReference[] };
}

/** A raw statement compiled by the query builder, like the ones it builds itself. */
function statement<O>(raw: RawBuilder<O>): Compilable<O> {
  return { compile: () => raw.compile(db) };
}

/** Column names listed in key order (conkey/confkey are attnum arrays). */
const keyColumns = (keys: RawBuilder<unknown>, relation: RawBuilder<unknown>) =>
  sql<string[]>`array(${sql.join(
    [
      sql`select a.attname::text from unnest(${keys}) with ordinality as k(attnum, n)`,
      sql`join pg_attribute a on a.attrelid = ${relation} and a.attnum = k.attnum`,
      sql`order by k.n`,
    ],
    sql` `,
  )})`;

/**
 * The condition selecting the tenant's rows of `table` under `alias`. A table owned by
 * references nests one subquery per level; `OwnedTable` values are built level by level
 * from tables already owned, so the nesting ends.
 */
function ownedRows(
  schema: string,
  table: OwnedTable,
  alias: string,
  tenantId: string,
): RawBuilder<boolean> {
  const { owner } = table;
  if (owner.by !== 'references') return sql<boolean>`${sql.id(alias, owner.by)} = ${tenantId}`;
  const parentAlias = `${alias}p`;
  const matches = owner.keys.map(
    (key) =>
      sql<boolean>`(${sql.join(key.columns.map((c) => sql.id(alias, c)))}) in (select ${sql.join(
        key.parent_columns.map((c) => sql.id(parentAlias, c)),
      )} from ${sql.id(schema, key.parent.name)} as ${sql.id(parentAlias)} where ${ownedRows(
        schema,
        key.parent,
        parentAlias,
        tenantId,
      )})`,
  );
  return sql<boolean>`(${sql.join(matches, sql` or `)})`;
}

/** A statement written over several lines of the source, compiled as one line. */
const lines = (parts: RawBuilder<unknown>[]) => sql.join(parts, sql` `);

const statements = {
  /** Ordinary and partitioned tables of the current schema; a partition goes with its parent. */
  tables: () =>
    statement(
      sql<CatalogTable>`${lines([
        sql`select n.nspname::text as schema, c.relname::text as name,`,
        sql`exists (select 1 from pg_attribute a where a.attrelid = c.oid`,
        sql`and a.attname = 'tenant_id' and a.attnum > 0 and not a.attisdropped) as has_tenant_id`,
        sql`from pg_class c join pg_namespace n on n.oid = c.relnamespace`,
        sql`where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition`,
        sql`order by c.relname`,
      ])}`,
    ),
  /** Foreign keys among those tables (not the copies a partition inherits). */
  foreignKeys: () =>
    statement(
      sql<CatalogForeignKey>`${lines([
        sql`select child.relname::text as child, parent.relname::text as parent,`,
        sql`${keyColumns(sql`con.conkey`, sql`con.conrelid`)} as columns,`,
        sql`${keyColumns(sql`con.confkey`, sql`con.confrelid`)} as parent_columns,`,
        sql`con.confdeltype::text as on_delete`,
        sql`from pg_constraint con`,
        sql`join pg_class child on child.oid = con.conrelid`,
        sql`join pg_class parent on parent.oid = con.confrelid`,
        sql`join pg_namespace n on n.oid = child.relnamespace`,
        sql`where con.contype = 'f' and con.conparentid = 0 and n.nspname = current_schema()`,
        sql`and parent.relnamespace = child.relnamespace`,
        sql`order by child.relname, con.conname`,
      ])}`,
    ),
  /**
   * For the rest of the transaction: row-level security admits this tenant's rows, and the
   * append-only audit tables let its entries go with it.
   */
  admitTenant: (tenantId: string) =>
    statement(
      sql<{
        tenant: string;
      }>`select set_config('app.tenant_id', ${tenantId}, true) as tenant, set_config('app.audit_maintenance', 'on', true) as maintenance`,
    ),
  deleteOwned: (schema: string, table: OwnedTable, tenantId: string) =>
    db
      .deleteFrom(sql.id(schema, table.name).as('t'))
      .where(ownedRows(schema, table, 't', tenantId)),
  countOwned: (schema: string, table: OwnedTable, tenantId: string) =>
    db
      .selectFrom(sql.id(schema, table.name).as('t'))
      .select(sql<string>`count(*)`.as('n'))
      .where(ownedRows(schema, table, 't', tenantId)),
};

/** The catalog lookups and the deletes of the tenant purge, on tables found at run time. */
@Injectable()
export class TenantPurgeRepository {
  tables(executor: SqlExecutor): Promise<CatalogTable[]> {
    return rowsOf(executor, statements.tables());
  }

  foreignKeys(executor: SqlExecutor): Promise<CatalogForeignKey[]> {
    return rowsOf(executor, statements.foreignKeys());
  }

  async admitTenant(executor: SqlExecutor, tenantId: string): Promise<void> {
    await firstOf(executor, statements.admitTenant(tenantId));
  }

  deleteOwned(
    executor: SqlExecutor,
    schema: string,
    table: OwnedTable,
    tenantId: string,
  ): Promise<number> {
    return affectedBy(executor, statements.deleteOwned(schema, table, tenantId));
  }

  async countOwned(
    executor: SqlExecutor,
    schema: string,
    table: OwnedTable,
    tenantId: string,
  ): Promise<number> {
    const row = await firstOf(executor, statements.countOwned(schema, table, tenantId));
    return Number(row?.n ?? 0);
  }
}

const SAMPLE_TENANT = '00000000-0000-0000-0000-000000000001';
const goals: OwnedTable = { name: 'goals', owner: { by: 'tenant_id' } };
/** A table without `tenant_id` (none exists today) reached through a tenant table's key. */
const goalNotes: OwnedTable = {
  name: 'goal_notes',
  owner: {
    by: 'references',
    keys: [{ columns: ['goal_id'], parent: goals, parent_columns: ['id'] }],
  },
};

export const tenantPurgeStatements: StatementCatalog = {
  file: 'src/tenant-purge/queries/tenant-purge.repository.sql',
  samples: () => [
    { name: 'tables', statement: statements.tables() },
    { name: 'foreignKeys', statement: statements.foreignKeys() },
    { name: 'admitTenant', statement: statements.admitTenant(SAMPLE_TENANT) },
    { name: 'deleteOwned', statement: statements.deleteOwned('public', goals, SAMPLE_TENANT) },
    {
      name: 'deleteOwned (by reference)',
      statement: statements.deleteOwned('public', goalNotes, SAMPLE_TENANT),
    },
    { name: 'countOwned', statement: statements.countOwned('public', goals, SAMPLE_TENANT) },
  ],
};
