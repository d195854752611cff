import { Page } from '../../components/page';

export function AuditPage() {
  return (
    <Page title="Audit log">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
