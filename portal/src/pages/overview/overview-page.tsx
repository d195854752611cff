import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Page } from '../../components/page';
import { AgentsTable } from '../agents/agents-table';
import { GoalForm } from '../goals/goal-form';
import { TenantPanel } from '../tenant/tenant-panel';
import { EventLog } from './event-log';
import { MetricsPanel } from './metrics-panel';
import { RecentGoals } from './recent-goals';
import { StatsPanel } from './stats-panel';

/**
 * The start page: the tenant's headline numbers, its usage, live goals, agents, charts and
 * the event log; which of them show is the tenant's setting (panels).
 */
export function OverviewPage() {
  const { me, config } = useSession();
  const shown = (panel: (typeof config.panels)[number]) => config.panels.includes(panel);
  return (
    <Page title="Overview" home testId="overview">
      {shown('stats') ? <StatsPanel /> : null}
      {shown('tenant') && can(me, 'tenant:read') ? <TenantPanel /> : null}
      <div className="columns">
        {shown('goals') ? (
          <section className="panel" aria-labelledby="goals-heading">
            <h3 id="goals-heading">Goals</h3>
            {can(me, 'goal:create') ? <GoalForm /> : null}
            <RecentGoals />
          </section>
        ) : null}
        {shown('agents') && can(me, 'agent:read') ? (
          <section className="panel" aria-labelledby="agents-heading">
            <h3 id="agents-heading">Agents</h3>
            <AgentsTable />
          </section>
        ) : null}
      </div>
      {shown('metrics') ? <MetricsPanel /> : null}
      {shown('logs') ? <EventLog /> : null}
    </Page>
  );
}
