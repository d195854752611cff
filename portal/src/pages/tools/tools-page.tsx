import { Page } from '../../components/page';

export function ToolsPage() {
  return (
    <Page title="Tools">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
