import { Page } from '../../components/page';
import { StatsPanel } from './stats-panel';

/** The start page: the tenant's headline numbers, live goals, charts and the event log. */
export function OverviewPage() {
  return (
    <Page title="Overview" home testId="overview">
      <StatsPanel />
    </Page>
  );
}
