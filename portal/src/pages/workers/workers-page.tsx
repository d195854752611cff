import { Page } from '../../components/page';

export function WorkersPage() {
  return (
    <Page title="Workers">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
