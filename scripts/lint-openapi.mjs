// Lints the API document with the rules in redocly.yaml; exits 1 on any error.
// `node scripts/lint-openapi.mjs [libs/sdk/openapi.json]`
import { lint, loadConfig } from '@redocly/openapi-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const document = resolve(process.argv[2] ?? resolve(root, 'libs/sdk/openapi.json'));
const config = await loadConfig({ configPath: resolve(root, 'redocly.yaml') });
const problems = await lint({ ref: document, config });
for (const problem of problems) {
  const where = problem.location?.[0]?.pointer ?? '';
  console.log(`${problem.severity} ${problem.ruleId}: ${problem.message} ${where}`);
}
const errors = problems.filter((problem) => problem.severity === 'error').length;
console.log(`OpenAPI lint: ${errors} errors, ${problems.length - errors} warnings`);
process.exit(errors ? 1 : 0);
