import { Page } from '../../components/page';

export function ApprovalsPage() {
  return (
    <Page title="Approvals">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
