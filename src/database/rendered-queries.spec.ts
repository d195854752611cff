import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dashboardSettingsStatements } from '../dashboard/dashboard-settings.repository';
import { goalEventStatements } from '../events/goal-event.repository';
import { llmCallStatements } from '../llm/llm-call.repository';
import { progressLedgerStatements } from '../agents/progress-ledger.repository';
import { goalStatements } from '../governor/goal.repository';
import { taskStatements } from '../governor/task.repository';
import { approvalStatements } from '../safety/approval.repository';
import { tenantStatements } from '../tenancy/tenant.repository';
import { renderCatalog, type StatementCatalog } from './statement-catalog';

/** Every repository's statements; a new repository adds its catalog here. */
const CATALOGS: StatementCatalog[] = [
  tenantStatements,
  dashboardSettingsStatements,
  approvalStatements,
  goalEventStatements,
  llmCallStatements,
  progressLedgerStatements,
  goalStatements,
  taskStatements,
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
