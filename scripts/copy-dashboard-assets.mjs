// Part of `npm run build`: the dashboard's static files go next to the compiled module
// (dist/src/dashboard/public), so the built product serves them without the sources.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'dashboard', 'public');
const to = join(root, 'dist', 'src', 'dashboard', 'public');
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
