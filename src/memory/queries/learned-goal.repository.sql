-- Rendered from src/memory/learned-goal.repository.ts by `npm run db:queries`; do not edit.

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
select "id", "tenant_id", "title", "goal", "pattern", "complexity", "intent", "result", "failure_reasons", "replan_count", "plan_version"
  from "goals"
  where "id" = $1 and "tenant_id" = $2;
