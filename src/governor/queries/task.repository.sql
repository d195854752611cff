-- Rendered from src/governor/task.repository.ts by `npm run db:queries`; do not edit.

-- holdForApproval
-- parameters: ["pending",1,"00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001"]
update "tasks"
  set "status" = $1, "attempts" = $2, "updated_at" = now()
  where "id" = $3 and "tenant_id" = $4;

-- failFatally
-- parameters: ["failed","refused","00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001"]
update "tasks"
  set "status" = $1, "error" = $2, "updated_at" = now()
  where "id" = $3 and "tenant_id" = $4;

-- cancelOpen
-- parameters: ["cancelled","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","pending","running"]
update "tasks"
  set "status" = $1, "updated_at" = now()
  where "tenant_id" = $2 and "goal_id" = $3 and "status" in ($4, $5);

-- supersedePlan
-- parameters: ["superseded","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"completed"]
update "tasks"
  set "status" = $1, "updated_at" = now()
  where "tenant_id" = $2 and "goal_id" = $3 and "plan_version" = $4 and "status" <> $5;

-- addSafetyViolations
-- parameters: ["[{\"check\":\"blocked_action\"}]","00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001"]
update "tasks"
  set "safety_violations" = "safety_violations" || $1::jsonb
  where "id" = $2 and "tenant_id" = $3;

-- planShape
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1]
select "key", "depends_on"
  from "tasks"
  where "tenant_id" = $1 and "goal_id" = $2 and "plan_version" = $3;

-- assignAgents
-- parameters: [["00000000-0000-0000-0000-000000000003"],["00000000-0000-0000-0000-000000000004"],["tool_agent"],"00000000-0000-0000-0000-000000000001"]
update "tasks" as "t"
  set "agent_id" = "a"."agent_id", "agent_kind" = "a"."agent_kind", "updated_at" = now()
  from unnest($1::uuid[], $2::text[], $3::text[]) as a(task_id, agent_id, agent_kind)
  where "t"."id" = "a"."task_id" and "t"."tenant_id" = $4;
