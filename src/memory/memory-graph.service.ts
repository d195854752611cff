import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '#common';
import type { UnitOfWork } from '../database/transaction';
import {
  EntityItem,
  MemoryGraphRepository,
  RelationItem,
  RelationView,
} from './memory-graph.repository';

export interface GraphFact {
  source: { name: string; type: string };
  relation: string;
  target: { name: string; type: string };
}

/** The tenant's knowledge graph: entities (lower-cased names) and typed, weighted relations. */
@Injectable()
export class MemoryGraph {
  constructor(
    private readonly dataSource: DataSource,
    private readonly graph: MemoryGraphRepository,
  ) {}

  /**
   * Adds graph facts in one statement inside the caller's transaction: entities are
   * upserted once each (mentions counted), relations once per (source, relation, target)
   * with their weight counted.
   */
  async link(
    uow: UnitOfWork,
    tenantId: string,
    facts: GraphFact[],
    memoryId: string | null,
  ): Promise<void> {
    if (!facts.length) return;
    const { entities, relations } = graphItems(facts);
    await this.graph.link(uow.manager, tenantId, entities, relations, memoryId);
  }

  /** Relations touching an entity, for the graph view. */
  relations(tenantId: string, name: string): Promise<RelationView[]> {
    return this.graph.relationsOf(this.dataSource, tenantId, name.toLowerCase());
  }

  /** The agents that succeeded before with these capabilities, most successes first. */
  async preferredAgents(
    tenantId: string,
    capabilities: string[],
  ): Promise<Array<{ capability: string; agent: string; successes: number }>> {
    const rows = await this.graph.succeededWith(
      this.dataSource,
      tenantId,
      capabilities.map((c) => c.toLowerCase()),
    );
    return rows.map((r) => ({
      capability: r.capability,
      agent: r.agent,
      successes: Number(r.weight),
    }));
  }

  counts(tenantId: string): Promise<{ entities: number; relations: number }> {
    return this.graph.counts(this.dataSource, tenantId);
  }
}

/** Facts as one item per distinct entity and per distinct relation, repeats counted. */
export function graphItems(facts: GraphFact[]): {
  entities: EntityItem[];
  relations: RelationItem[];
} {
  const entities = new Map<string, EntityItem>();
  const entityOf = (e: { name: string; type: string }) => {
    const name = e.name.slice(0, 200).toLowerCase();
    const key = `${e.type}\u0000${name}`;
    const known = entities.get(key);
    if (known) known.mentions++;
    else entities.set(key, { id: uuidv7(), name, type: e.type, mentions: 1 });
    return entities.get(key)!;
  };
  const relations = new Map<string, RelationItem>();
  for (const f of facts) {
    const source = entityOf(f.source);
    const target = entityOf(f.target);
    const key = `${source.type}\u0000${source.name}\u0000${f.relation}\u0000${target.type}\u0000${target.name}`;
    const known = relations.get(key);
    if (known) known.weight++;
    else
      relations.set(key, {
        id: uuidv7(),
        s_name: source.name,
        s_type: source.type,
        relation: f.relation,
        t_name: target.name,
        t_type: target.type,
        weight: 1,
      });
  }
  return { entities: [...entities.values()], relations: [...relations.values()] };
}
