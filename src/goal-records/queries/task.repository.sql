-- Rendered from src/goal-records/task.repository.ts by `npm run db:queries`; do not edit.

-- ofGoal
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
select *
  from "tasks"
  where "tenant_id" = $1 and "goal_id" = $2
  order by "plan_version", "created_at", "key";

-- ofGoal (one plan)
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",2]
select *
  from "tasks"
  where "tenant_id" = $1 and "goal_id" = $2 and "plan_version" = $3
  order by "plan_version", "created_at", "key";

-- insertPlan
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,3,"[{\"id\":\"00000000-0000-0000-0000-000000000003\",\"key\":\"t1\",\"title\":\"Research\",\"description\":\"Research the topic\",\"depends_on\":[],\"capabilities\":[\"research\"],\"acceptance_criteria\":null}]"]
insert into "tasks" ("id", "tenant_id", "goal_id", "plan_version", "key", "title", "description", "depends_on", "capabilities", "acceptance_criteria", "status", "max_attempts") select "t"."id", $1 as "tenant_id", $2 as "goal_id", $3 as "plan_version", "t"."key", "t"."title", "t"."description", "t"."depends_on", "t"."capabilities", "t"."acceptance_criteria", 'pending' as "status", $4 as "max_attempts"
  from jsonb_to_recordset($5::jsonb) as t(id uuid, key text, title text, description text, depends_on text[], capabilities text[], acceptance_criteria text)
  on conflict ("goal_id", "plan_version", "key") do nothing
  returning *;

-- supersedeUnfinished
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1]
update "tasks"
  set "status" = 'superseded', "updated_at" = now()
  where "tenant_id" = $1 and "goal_id" = $2 and "plan_version" = $3 and "status" <> 'completed';

-- cancelOpen
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
update "tasks"
  set "status" = 'cancelled', "updated_at" = now()
  where "tenant_id" = $1 and "goal_id" = $2 and "status" in ('pending', 'running');

-- attemptFailed
-- parameters: ["pending","timeout","[{\"attempt\":1,\"error\":\"timeout\",\"at\":\"2026-01-01T00:00:00.000Z\"}]","00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001"]
update "tasks"
  set "status" = $1, "error" = $2, "errors" = errors || $3::jsonb, "updated_at" = now()
  where "id" = $4 and "tenant_id" = $5 and "status" = 'running'
  returning "id";

-- starts
-- parameters: ["[{\"ord\":0,\"id\":\"00000000-0000-0000-0000-000000000003\",\"attempt\":1,\"agent_id\":\"00000000-0000-0000-0000-000000000004\"}]","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
with "change" as (update "tasks" as "t"
  set "status" = 'running', "attempts" = i.attempt, "started_at" = coalesce(t.started_at, now()), "updated_at" = now()
  from jsonb_to_recordset($1::jsonb) as "i"("ord" int, "id" uuid, "attempt" int, "agent_id" uuid)
  where "t"."id" = "i"."id" and "t"."tenant_id" = $2 and "t"."goal_id" = $3 and "t"."status" in ('pending', 'running')
  returning "i"."ord", "t"."id" as "task_id", "i"."agent_id", 'task.started' as "type", jsonb_build_object('task_key', t.key, 'attempt', i.attempt, 'agent_id', t.agent_id) as "data") select *
  from "change";

-- completions
-- parameters: ["[{\"ord\":0,\"id\":\"00000000-0000-0000-0000-000000000003\",\"output\":{\"text\":\"done\"},\"task_event\":{},\"agent_event\":null}]","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
with "input" as (select *
  from jsonb_to_recordset($1::jsonb) as "i"("ord" int, "id" uuid, "output" jsonb, "task_event" jsonb, "agent_event" jsonb)), "change" as (update "tasks" as "t"
  set "status" = 'completed', "output" = "i"."output", "error" = null, "completed_at" = now(), "updated_at" = now()
  from "input" as "i"
  where "t"."id" = "i"."id" and "t"."tenant_id" = $2 and "t"."goal_id" = $3 and "t"."status" = 'running'
  returning "t"."id" as "task_id", "t"."prompt_tokens"::int as "prompt_tokens", "t"."completion_tokens"::int as "completion_tokens", ("t"."prompt_tokens" + "t"."completion_tokens")::int as "tokens"), "events" as (select "i"."ord" * 2 as "ord", 'task.completed' as "type", "c"."task_id", "i"."task_event" || jsonb_build_object('prompt_tokens', "c"."prompt_tokens", 'completion_tokens', "c"."completion_tokens", 'tokens', "c"."tokens") as "data"
  from "input" as "i"
  inner join "change" as "c" on "c"."task_id" = "i"."id" union all select "i"."ord" * 2 + 1 as "ord", 'agent.completed' as "type", "c"."task_id", "i"."agent_event" || jsonb_build_object('prompt_tokens', "c"."prompt_tokens", 'completion_tokens', "c"."completion_tokens", 'tokens', "c"."tokens") as "data"
  from "input" as "i"
  inner join "change" as "c" on "c"."task_id" = "i"."id"
  where "i"."agent_event" is not null) select *
  from "events";

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

-- addSafetyViolations
-- parameters: ["[{\"check\":\"blocked_action\"}]","00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001"]
update "tasks"
  set "safety_violations" = "safety_violations" || $1::jsonb
  where "id" = $2 and "tenant_id" = $3;

-- assignAgents
-- parameters: [["00000000-0000-0000-0000-000000000003"],["00000000-0000-0000-0000-000000000004"],["tool_agent"],"00000000-0000-0000-0000-000000000001"]
update "tasks" as "t"
  set "agent_id" = "a"."agent_id", "agent_kind" = "a"."agent_kind", "updated_at" = now()
  from unnest($1::uuid[], $2::text[], $3::text[]) as a(task_id, agent_id, agent_kind)
  where "t"."id" = "a"."task_id" and "t"."tenant_id" = $4;
