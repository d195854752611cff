import { Page } from '../../components/page';

export function TenantPage() {
  return (
    <Page title="My tenant">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
