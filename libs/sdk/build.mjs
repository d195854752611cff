// Builds the package: ES modules in dist/esm, CommonJS in dist/cjs, declarations in dist/types.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(join(here, 'dist'), { recursive: true, force: true });
for (const config of ['tsconfig.esm.json', 'tsconfig.cjs.json'])
  execFileSync(process.execPath, [tsc, '-p', join(here, config)], { stdio: 'inherit' });
// each half says which module system its .js files are
mkdirSync(join(here, 'dist/esm'), { recursive: true });
writeFileSync(join(here, 'dist/esm/package.json'), '{ "type": "module" }\n');
writeFileSync(join(here, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
