// Part of `npm run build`: the dashboard's static files go next to the compiled module
// (dist/src/dashboard/public), so the built product serves them without the sources.
const { cpSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const from = join(__dirname, '..', 'src', 'dashboard', 'public');
const to = join(__dirname, '..', 'dist', 'src', 'dashboard', 'public');
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
