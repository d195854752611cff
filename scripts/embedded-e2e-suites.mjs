// Prints the e2e suites that run on the embedded mode alone (no PostgreSQL server, no
// Redis): every test/*.e2e-spec.ts that names neither. `npm run test:e2e:embedded` runs them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const testDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test');
const needsServices =
  /createPostgresDatabase|TEST_REDIS_URL|REDIS_URL|DATABASE_URL|generate-db-types/;
const suites = readdirSync(testDir)
  .filter((name) => name.endsWith('.e2e-spec.ts'))
  .filter((name) => !needsServices.test(readFileSync(join(testDir, name), 'utf8')))
  .map((name) => `test/${name}`);
console.log(suites.join(' '));
