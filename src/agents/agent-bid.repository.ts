import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { db, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** One bid of an auction (its tenant and goal are given beside it). */
export interface NewBid {
  task_id: string;
  agent_id: string;
  expected_quality: number;
  cost_tokens: number;
  time_ms: number;
  value: number;
  awarded: boolean;
}

/** Every statement on `agent_bids`; each takes the tenant's id. */
const statements = {
  /** The bids of a goal's auctions, in one statement whatever their number. */
  insertMany: (tenantId: string, goalId: string, bids: readonly NewBid[]) =>
    db
      .insertInto('agent_bids')
      .columns([
        'tenant_id',
        'goal_id',
        'task_id',
        'agent_id',
        'expected_quality',
        'cost_tokens',
        'time_ms',
        'value',
        'awarded',
      ])
      .expression(
        db
          .selectFrom(
            sql<NewBid>`jsonb_to_recordset(${JSON.stringify(bids)}::jsonb)`.as<'b'>(
              sql`b(task_id uuid, agent_id uuid, expected_quality real, cost_tokens integer,
                time_ms integer, value real, awarded boolean)`,
            ),
          )
          .select((eb) => [
            eb.val(tenantId).as('tenant_id'),
            eb.val(goalId).as('goal_id'),
            'b.task_id',
            'b.agent_id',
            'b.expected_quality',
            'b.cost_tokens',
            'b.time_ms',
            'b.value',
            'b.awarded',
          ]),
      ),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class AgentBidRepository {
  async insertMany(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    bids: readonly NewBid[],
  ): Promise<void> {
    if (bids.length) await rowsOf(executor, statements.insertMany(tenantId, goalId, bids));
  }
}

export const agentBidStatements: StatementCatalog = {
  file: 'src/agents/queries/agent-bid.repository.sql',
  samples: () => [
    {
      name: 'insertMany',
      statement: statements.insertMany(
        '00000000-0000-0000-0000-000000000001',
        '00000000-0000-0000-0000-000000000002',
        [
          {
            task_id: '00000000-0000-0000-0000-000000000003',
            agent_id: '00000000-0000-0000-0000-000000000004',
            expected_quality: 0.8,
            cost_tokens: 1200,
            time_ms: 4000,
            value: 0.6,
            awarded: true,
          },
        ],
      ),
    },
  ],
};
