// Prints one group of the e2e suites. `alone`: the suites that kill processes or start
// servers of their own (fault injection, worker fleets), whose timings a second suite
// beside them on a 2-core machine would disturb; they run one at a time. `shared`: every
// other test/*.e2e-spec.ts, which `npm run test:e2e` runs two at a time (each suite has
// its own databases, queue prefix and ports).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const group = process.argv[2];
if (group !== 'alone' && group !== 'shared') {
  console.error('usage: node scripts/e2e-suites.mjs alone|shared');
  process.exit(2);
}
const testDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test');
const runsAlone = /\.kill\(|startOwnPostgres|startOwnRedis|SIGKILL|SIGSTOP/;
const suites = readdirSync(testDir)
  .filter((name) => name.endsWith('.e2e-spec.ts'))
  .filter(
    (name) => runsAlone.test(readFileSync(join(testDir, name), 'utf8')) === (group === 'alone'),
  )
  .map((name) => `test/${name}`);
console.log(suites.join(' '));
