import type { Insertable } from 'kysely';
import { db, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { GoalArtifacts } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type NewGoalArtifact = Omit<Insertable<GoalArtifacts>, 'created_at'>;

/** The statements of the tools on `goal_artifacts`; each takes the tenant's id (in the row). */
const statements = {
  insert: (row: NewGoalArtifact) => db.insertInto('goal_artifacts').values(row),
};

/**
 * Statements run on the executor given: an artifact is saved in the effect journal's
 * transaction, so it is written exactly once.
 */
export class GoalArtifactRepository {
  async insert(executor: SqlExecutor, row: NewGoalArtifact): Promise<void> {
    await rowsOf(executor, statements.insert(row));
  }
}

export const goalArtifactStatements: StatementCatalog = {
  file: 'src/tools/queries/goal-artifact.repository.sql',
  samples: () => [
    {
      name: 'insert',
      statement: statements.insert({
        id: '00000000-0000-0000-0000-0000000000f3',
        tenant_id: '00000000-0000-0000-0000-000000000001',
        goal_id: '00000000-0000-0000-0000-0000000000f1',
        task_id: '00000000-0000-0000-0000-0000000000f2',
        name: 'report.md',
        content: '# Report',
      }),
    },
  ],
};
