import { Page } from '../../components/page';
import { TenantPanel } from './tenant-panel';

export function TenantPage() {
  return (
    <Page title="My tenant" testId="tenant-page">
      <TenantPanel />
    </Page>
  );
}
