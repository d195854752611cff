import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../../database/query-builder';
import type { RateLimitRules } from '../../database/schema.generated';
import type { StatementCatalog } from '../../database/statement-catalog';

export type RateLimitRuleRow = Selectable<RateLimitRules>;
export type NewRateLimitRuleRow = Insertable<RateLimitRules>;
export type RateLimitRuleChange = Omit<
  Updateable<RateLimitRules>,
  'id' | 'created_at' | 'created_by'
>;

/** Every statement on `rate_limit_rules`: platform-wide rules, not owned by a tenant. */
const statements = {
  all: () => db.selectFrom('rate_limit_rules').selectAll().orderBy('name'),
  byId: (id: string) => db.selectFrom('rate_limit_rules').selectAll().where('id', '=', id),
  insert: (row: NewRateLimitRuleRow) =>
    db.insertInto('rate_limit_rules').values(row).returningAll(),
  update: (id: string, change: RateLimitRuleChange) =>
    db
      .updateTable('rate_limit_rules')
      .set({ ...change, updated_at: db.fn('now') })
      .where('id', '=', id)
      .returningAll(),
  remove: (id: string) => db.deleteFrom('rate_limit_rules').where('id', '=', id),
};

@Injectable()
export class RateLimitRuleRepository {
  constructor(private readonly dataSource: DataSource) {}

  all(): Promise<RateLimitRuleRow[]> {
    return rowsOf(this.dataSource, statements.all());
  }

  byId(id: string): Promise<RateLimitRuleRow | undefined> {
    return firstOf(this.dataSource, statements.byId(id));
  }

  async insert(row: NewRateLimitRuleRow): Promise<RateLimitRuleRow> {
    return (await firstOf(this.dataSource, statements.insert(row)))!;
  }

  update(id: string, change: RateLimitRuleChange): Promise<RateLimitRuleRow | undefined> {
    return firstOf(this.dataSource, statements.update(id, change));
  }

  async remove(id: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.remove(id))) > 0;
  }
}

export const rateLimitRuleStatements: StatementCatalog = {
  file: 'src/ratelimit/rules/queries/rate-limit-rule.repository.sql',
  samples: () => {
    const id = '00000000-0000-0000-0000-0000000000a1';
    return [
      { name: 'all', statement: statements.all() },
      { name: 'byId', statement: statements.byId(id) },
      {
        name: 'insert',
        statement: statements.insert({
          id,
          name: 'goals-per-ip',
          path: '/api/v1/goals',
          methods: ['POST'],
          strategy: 'SLIDING_WINDOW',
          scope: 'IP',
          limit: 10,
          window_s: 60,
          key_header: null,
          created_by: 'admin',
        }),
      },
      { name: 'update', statement: statements.update(id, { limit: 20 }) },
      { name: 'remove', statement: statements.remove(id) },
    ];
  },
};
