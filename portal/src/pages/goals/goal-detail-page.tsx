import { Page } from '../../components/page';

export function GoalDetailPage() {
  return (
    <Page title="Goal">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
