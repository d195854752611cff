import { Page } from '../../components/page';

export function AgentsPage() {
  return (
    <Page title="Agents">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
