import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** An entity of a batch of graph facts, as the JSON the link statement unpacks. */
export interface EntityItem {
  id: string;
  name: string;
  type: string;
  mentions: number;
}

/** A relation of a batch of graph facts, naming its entities by type and name. */
export interface RelationItem {
  id: string;
  s_name: string;
  s_type: string;
  relation: string;
  t_name: string;
  t_type: string;
  weight: number;
}

export interface RelationView {
  source: string;
  source_type: string;
  relation: string;
  target: string;
  target_type: string;
  weight: number;
}

/** Every statement on the knowledge graph: `memory_entities` and `memory_relations`. */
const statements = {
  /**
   * One statement for a batch of facts: entities upserted once each (mentions counted),
   * relations once per (source, relation, target) with their weight counted.
   */
  link: (
    tenantId: string,
    entities: EntityItem[],
    relations: RelationItem[],
    memoryId: string | null,
  ) =>
    db
      .with('entity', (qb) =>
        qb
          .insertInto('memory_entities')
          .columns(['id', 'tenant_id', 'name', 'type', 'mentions'])
          .expression(
            sql`SELECT e.id, ${tenantId}, e.name, e.type, e.mentions
            FROM jsonb_to_recordset(${JSON.stringify(entities)}::jsonb) AS e(id uuid, name text, type text, mentions int)`,
          )
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'type', 'name']).doUpdateSet({
              mentions: sql`memory_entities.mentions + excluded.mentions`,
              updated_at: sql`now()`,
            }),
          )
          .returning(['id', 'name', 'type']),
      )
      .insertInto('memory_relations')
      .columns(['id', 'tenant_id', 'source_id', 'relation', 'target_id', 'memory_id', 'weight'])
      .expression(
        sql`SELECT r.id, ${tenantId}, s.id, r.relation, t.id, ${memoryId}, r.weight
        FROM jsonb_to_recordset(${JSON.stringify(relations)}::jsonb)
          AS r(id uuid, s_name text, s_type text, relation text, t_name text, t_type text, weight real)
        JOIN entity s ON s.name = r.s_name AND s.type = r.s_type
        JOIN entity t ON t.name = r.t_name AND t.type = r.t_type`,
      )
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'source_id', 'relation', 'target_id']).doUpdateSet({
          weight: sql`memory_relations.weight + excluded.weight`,
          memory_id: sql`coalesce(excluded.memory_id, memory_relations.memory_id)`,
          updated_at: sql`now()`,
        }),
      ),
  /** Relations touching an entity, heaviest first. */
  relationsOf: (tenantId: string, name: string) =>
    db
      .selectFrom('memory_relations as r')
      .innerJoin('memory_entities as s', 's.id', 'r.source_id')
      .innerJoin('memory_entities as t', 't.id', 'r.target_id')
      .select([
        's.name as source',
        's.type as source_type',
        'r.relation',
        't.name as target',
        't.type as target_type',
        'r.weight',
      ])
      .where('r.tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('s.name', '=', name), eb('t.name', '=', name)]))
      .orderBy('r.weight', 'desc')
      .limit(100),
  /** The agents that succeeded before with these capabilities (lower-cased names). */
  succeededWith: (tenantId: string, capabilities: string[]) =>
    db
      .selectFrom('memory_relations as r')
      .innerJoin('memory_entities as s', 's.id', 'r.source_id')
      .innerJoin('memory_entities as t', 't.id', 'r.target_id')
      .select(['s.name as capability', 't.name as agent', 'r.weight'])
      .where('r.tenant_id', '=', tenantId)
      .where('r.relation', '=', 'succeeded_with')
      .where('s.type', '=', 'capability')
      .where('s.name', '=', (eb) => eb.fn.any(eb.val(capabilities)))
      .orderBy('r.weight', 'desc')
      .limit(10),
  counts: (tenantId: string) =>
    db.selectNoFrom((eb) => [
      eb
        .selectFrom('memory_entities')
        .select(eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .as('entities'),
      eb
        .selectFrom('memory_relations')
        .select(eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .as('relations'),
    ]),
  /** Relations that cited a merged-away memory cite the survivor. */
  moveCitations: (tenantId: string, fromMemoryId: string, toMemoryId: string) =>
    db
      .updateTable('memory_relations')
      .set({ memory_id: toMemoryId })
      .where('memory_id', '=', fromMemoryId)
      .where('tenant_id', '=', tenantId),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class MemoryGraphRepository {
  async link(
    executor: SqlExecutor,
    tenantId: string,
    entities: EntityItem[],
    relations: RelationItem[],
    memoryId: string | null,
  ): Promise<void> {
    await rowsOf(executor, statements.link(tenantId, entities, relations, memoryId));
  }

  relationsOf(executor: SqlExecutor, tenantId: string, name: string): Promise<RelationView[]> {
    return rowsOf(executor, statements.relationsOf(tenantId, name));
  }

  succeededWith(
    executor: SqlExecutor,
    tenantId: string,
    capabilities: string[],
  ): Promise<Array<{ capability: string; agent: string; weight: number }>> {
    return rowsOf(executor, statements.succeededWith(tenantId, capabilities));
  }

  async counts(
    executor: SqlExecutor,
    tenantId: string,
  ): Promise<{ entities: number; relations: number }> {
    const row = await firstOf(executor, statements.counts(tenantId));
    return { entities: Number(row?.entities ?? 0), relations: Number(row?.relations ?? 0) };
  }

  async moveCitations(
    executor: SqlExecutor,
    tenantId: string,
    fromMemoryId: string,
    toMemoryId: string,
  ): Promise<void> {
    await rowsOf(executor, statements.moveCitations(tenantId, fromMemoryId, toMemoryId));
  }
}

export const memoryGraphStatements: StatementCatalog = {
  file: 'src/memory/queries/memory-graph.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const memory = '00000000-0000-0000-0000-000000000002';
    const other = '00000000-0000-0000-0000-000000000003';
    return [
      {
        name: 'link',
        statement: statements.link(
          tenant,
          [
            {
              id: '00000000-0000-0000-0000-00000000000a',
              name: 'research',
              type: 'capability',
              mentions: 1,
            },
            {
              id: '00000000-0000-0000-0000-00000000000b',
              name: 'analyst',
              type: 'agent',
              mentions: 1,
            },
          ],
          [
            {
              id: '00000000-0000-0000-0000-00000000000c',
              s_name: 'research',
              s_type: 'capability',
              relation: 'succeeded_with',
              t_name: 'analyst',
              t_type: 'agent',
              weight: 1,
            },
          ],
          memory,
        ),
      },
      { name: 'relationsOf', statement: statements.relationsOf(tenant, 'research') },
      { name: 'succeededWith', statement: statements.succeededWith(tenant, ['research']) },
      { name: 'counts', statement: statements.counts(tenant) },
      { name: 'moveCitations', statement: statements.moveCitations(tenant, other, memory) },
    ];
  },
};
