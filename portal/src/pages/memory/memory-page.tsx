import { Page } from '../../components/page';

export function MemoryPage() {
  return (
    <Page title="Memory">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
