-- Rendered from src/metrics/platform-gauge.repository.ts by `npm run db:queries`; do not edit.

-- unfinishedGoalsByStatus
-- parameters: []
select "status", count(*) as "n"
  from "goals"
  where "status" not in ('completed', 'failed', 'cancelled')
  group by "status";

-- runningAgentsByKind
-- parameters: []
select coalesce(agent_kind, 'unknown') as "kind", count(distinct "agent_id") as "n"
  from "tasks"
  where "status" = 'running' and "agent_id" is not null
  group by 1;
