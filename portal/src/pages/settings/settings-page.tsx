import { Page } from '../../components/page';

export function SettingsPage() {
  return (
    <Page title="Portal settings">
      <p className="muted">Coming next.</p>
    </Page>
  );
}
