import { Page } from '../../components/page';

export function GoalsPage() {
  return (
    <Page title="Goals">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
