import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dashboardSettingsStatements } from '../dashboard/dashboard-settings.repository';
import { learnedGoalStatements } from '../memory/learned-goal.repository';
import { memoryGraphStatements } from '../memory/memory-graph.repository';
import { memoryRetentionStatements } from '../memory/memory-retention.repository';
import { memoryVectorStatements } from '../memory/memory-vector.repository';
import { memoryStatements } from '../memory/memory.repository';
import { approvalStatements } from '../safety/approval.repository';
import { tenantStatements } from '../tenancy/tenant.repository';
import { renderCatalog, type StatementCatalog } from './statement-catalog';

/** Every repository's statements; a new repository adds its catalog here. */
const CATALOGS: StatementCatalog[] = [
  tenantStatements,
  dashboardSettingsStatements,
  approvalStatements,
  memoryStatements,
  memoryRetentionStatements,
  memoryVectorStatements,
  memoryGraphStatements,
  learnedGoalStatements,
];

const ROOT = join(__dirname, '..', '..');

describe('rendered repository statements (src/**/queries/*.sql)', () => {
  it.each(CATALOGS.map((c) => [c.file, c]))('%s matches its repository', (_file, catalog) => {
    const path = join(ROOT, catalog.file);
    const rendered = renderCatalog(catalog);
    if (process.env.UPDATE_QUERIES === '1') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, rendered);
    }
    let checkedIn = '';
    try {
      checkedIn = readFileSync(path, 'utf8');
    } catch {
      // a missing file fails below with the text it should hold
    }
    expect(checkedIn).toBe(rendered);
  });
});
