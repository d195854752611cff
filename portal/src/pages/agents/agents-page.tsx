import { Page } from '../../components/page';
import { AgentsTable } from './agents-table';

export function AgentsPage() {
  return (
    <Page title="Agents" testId="agents-page">
      <section className="panel">
        <AgentsTable limit={100} />
      </section>
    </Page>
  );
}
