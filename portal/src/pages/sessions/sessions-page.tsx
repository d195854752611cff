import { Page } from '../../components/page';

export function SessionsPage() {
  return (
    <Page title="My sessions">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
