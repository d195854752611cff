import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The row types the repositories are checked against (src/database/schema.generated.ts)
 * are rendered from the schema the migrations build on PostgreSQL; a migration that
 * changes a table without `npm run db:types` fails here.
 */
describe('database row types', () => {
  it('match the schema the migrations build', () => {
    const root = join(__dirname, '..');
    const output = execFileSync(
      process.execPath,
      [join(root, 'scripts/generate-db-types.mjs'), '--check'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(output).toContain('schema types match the migrations');
  });
});
