-- Rendered from src/agents/agent-profile.repository.ts by `npm run db:queries`; do not edit.

-- builtinCount
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*) as "n"
  from "agent_profiles"
  where "tenant_id" = $1 and "builtin";

-- seedBuiltin
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","tool_agent","generalist",["code"],[],"You use tools.","00000000-0000-0000-0000-000000000001","tool_agent"]
insert into "agent_profiles" ("id", "tenant_id", "kind", "name", "capabilities", "specializations", "system_prompt", "builtin") select $1 as "id", $2 as "tenant_id", $3 as "kind", $4 as "name", $5 as "capabilities", $6 as "specializations", $7 as "system_prompt", true as "builtin"
  where not exists (select 1 as "one"
  from "agent_profiles"
  where "tenant_id" = $8 and "builtin" and "kind" = $9)
  on conflict do nothing;

-- count
-- parameters: ["00000000-0000-0000-0000-000000000001","tool_agent"]
select count(*) as "n"
  from "agent_profiles"
  where "tenant_id" = $1 and "kind" = $2;

-- page
-- parameters: ["00000000-0000-0000-0000-000000000001","idle",50,0]
select *
  from "agent_profiles"
  where "tenant_id" = $1 and "status" = $2
  order by "created_at", "name"
  limit $3
  offset $4;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
select *
  from "agent_profiles"
  where "id" = $1 and "tenant_id" = $2;

-- liveByName
-- parameters: ["00000000-0000-0000-0000-000000000001","generalist"]
select *
  from "agent_profiles"
  where "tenant_id" = $1 and "status" <> 'retired' and "name" = $2;

-- liveNamesLike
-- parameters: ["00000000-0000-0000-0000-000000000001","coder","coder-%"]
select "name"
  from "agent_profiles"
  where "tenant_id" = $1 and ("name" = $2 or "name" like $3) and "status" <> 'retired';

-- liveOfKinds
-- parameters: ["00000000-0000-0000-0000-000000000001",["tool_agent"]]
select *
  from "agent_profiles"
  where "tenant_id" = $1 and "status" <> 'retired' and "kind" = any($2) and not "ephemeral"
  order by "created_at";

-- nameTakenByOther
-- parameters: ["00000000-0000-0000-0000-000000000001","coder","00000000-0000-0000-0000-000000000002"]
select 1 as "taken"
  from "agent_profiles"
  where "tenant_id" = $1 and "name" = $2 and "status" <> 'retired' and "id" <> $3;

-- insertFree
-- parameters: ["00000000-0000-0000-0000-000000000001","[{\"id\":\"00000000-0000-0000-0000-000000000002\",\"kind\":\"tool_agent\",\"name\":\"generalist\",\"capabilities\":[\"code\"],\"specializations\":[],\"system_prompt\":\"You use tools.\",\"model\":null,\"ephemeral\":false,\"builtin\":false,\"spawned_by_goal_id\":\"00000000-0000-0000-0000-000000000003\",\"status\":\"idle\",\"running\":0}]"]
insert into "agent_profiles" ("id", "tenant_id", "kind", "name", "capabilities", "specializations", "system_prompt", "model", "ephemeral", "builtin", "spawned_by_goal_id", "status", "running") select "p"."id", $1 as "tenant_id", "p"."kind", "p"."name", "p"."capabilities", "p"."specializations", "p"."system_prompt", "p"."model", "p"."ephemeral", "p"."builtin", "p"."spawned_by_goal_id", "p"."status", "p"."running"
  from jsonb_to_recordset($2::jsonb) as p(id uuid, kind text, name text, capabilities text[], specializations text[],
                system_prompt text, model text, ephemeral boolean, builtin boolean,
                spawned_by_goal_id uuid, status text, running integer)
  on conflict ("tenant_id", "name")
  where "status" <> 'retired' do nothing
  returning *;

-- edit
-- parameters: ["coder",["code"],["typescript"],"You write code.",null,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "agent_profiles"
  set "name" = $1, "capabilities" = $2, "specializations" = $3, "system_prompt" = $4, "model" = $5, "version" = version + 1, "updated_at" = now()
  where "id" = $6 and "tenant_id" = $7
  returning *;

-- retire
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "agent_profiles"
  set "status" = 'retired', "running" = 0, "retired_at" = now(), "updated_at" = now()
  where "id" = $1 and "tenant_id" = $2 and "status" <> 'retired';

-- startWork
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "agent_profiles" as "p"
  set "running" = p.running + 1, "status" = CASE WHEN p.status = 'retired' THEN p.status ELSE 'busy' END, "updated_at" = now()
  where "p"."id" = $1 and "p"."tenant_id" = $2
  returning *;

-- startWorkForStarts
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001"]
with "change" as (select agent_id::uuid as "agent_id"
  from "tasks"), "agent" as (update "agent_profiles" as "p"
  set "running" = p.running + s.n, "status" = CASE WHEN p.status = 'retired' THEN p.status ELSE 'busy' END, "updated_at" = now()
  from (select "agent_id", count(*)::int as "n"
  from "change"
  where "agent_id" is not null
  group by "agent_id") as "s", (select "id"
  from "agent_profiles"
  where "tenant_id" = $1 and "id" in (select "agent_id"
  from "change")
  order by "id" for update) as "l"
  where p.id = s.agent_id AND p.id = l.id and "p"."tenant_id" = $2
  returning "p".*) select *
  from "agent";

-- finishWork
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "agent_profiles" as "p"
  set "running" = greatest(p.running - 1, 0), "status" = CASE WHEN p.status = 'retired' THEN p.status WHEN p.running - 1 > 0 THEN 'busy' ELSE 'idle' END, "updated_at" = now()
  where "p"."id" = $1 and "p"."tenant_id" = $2;

-- foldOutcomes
-- parameters: ["[{\"id\":\"00000000-0000-0000-0000-000000000002\",\"tasks\":1,\"successes\":1,\"tokens\":120,\"duration_ms\":900,\"types\":{\"code\":{\"tasks\":1,\"successes\":1}},\"errors\":{},\"last_active\":\"2026-01-01T00:00:00.000Z\"}]","00000000-0000-0000-0000-000000000001"]
update "agent_profiles" as "p"
  set "tasks" = p.tasks + o.tasks, "successes" = p.successes + o.successes, "failures" = p.failures + o.tasks - o.successes, "success_rate" = (p.successes + o.successes)::real / greatest(p.tasks + o.tasks, 1), "avg_tokens" = p.avg_tokens + (o.tokens - p.avg_tokens * o.tasks) / greatest(p.tasks + o.tasks, 1), "avg_duration_ms" = p.avg_duration_ms + (o.duration_ms - p.avg_duration_ms * o.tasks) / greatest(p.tasks + o.tasks, 1), "task_type_scores" = p.task_type_scores || coalesce((SELECT jsonb_object_agg(t.key, jsonb_build_object(
           'tasks', coalesce((p.task_type_scores -> t.key ->> 'tasks')::int, 0) + (t.value ->> 'tasks')::int,
           'successes', coalesce((p.task_type_scores -> t.key ->> 'successes')::int, 0) + (t.value ->> 'successes')::int))
           FROM jsonb_each(o.types) AS t), '{}'::jsonb), "error_kinds" = p.error_kinds || coalesce((SELECT jsonb_object_agg(e.key, coalesce((p.error_kinds ->> e.key)::int, 0) + e.value::int)
           FROM jsonb_each_text(o.errors) AS e), '{}'::jsonb), "last_active" = coalesce(o.last_active, p.last_active), "running" = greatest(p.running - o.tasks, 0), "status" = CASE WHEN p.status = 'retired' THEN p.status WHEN p.running - o.tasks > 0 THEN 'busy' ELSE 'idle' END, "updated_at" = now()
  from jsonb_to_recordset($1::jsonb) as o(id uuid, tasks integer, successes integer, tokens real, duration_ms real,
  types jsonb, errors jsonb, last_active timestamptz)
  where p.id = o.id and "p"."tenant_id" = $2
  returning "p"."id";

-- foldOutcomes (retire)
-- parameters: ["[{\"id\":\"00000000-0000-0000-0000-000000000002\",\"tasks\":1,\"successes\":1,\"tokens\":120,\"duration_ms\":900,\"types\":{\"code\":{\"tasks\":1,\"successes\":1}},\"errors\":{},\"last_active\":\"2026-01-01T00:00:00.000Z\"}]","00000000-0000-0000-0000-000000000001"]
update "agent_profiles" as "p"
  set "tasks" = p.tasks + o.tasks, "successes" = p.successes + o.successes, "failures" = p.failures + o.tasks - o.successes, "success_rate" = (p.successes + o.successes)::real / greatest(p.tasks + o.tasks, 1), "avg_tokens" = p.avg_tokens + (o.tokens - p.avg_tokens * o.tasks) / greatest(p.tasks + o.tasks, 1), "avg_duration_ms" = p.avg_duration_ms + (o.duration_ms - p.avg_duration_ms * o.tasks) / greatest(p.tasks + o.tasks, 1), "task_type_scores" = p.task_type_scores || coalesce((SELECT jsonb_object_agg(t.key, jsonb_build_object(
           'tasks', coalesce((p.task_type_scores -> t.key ->> 'tasks')::int, 0) + (t.value ->> 'tasks')::int,
           'successes', coalesce((p.task_type_scores -> t.key ->> 'successes')::int, 0) + (t.value ->> 'successes')::int))
           FROM jsonb_each(o.types) AS t), '{}'::jsonb), "error_kinds" = p.error_kinds || coalesce((SELECT jsonb_object_agg(e.key, coalesce((p.error_kinds ->> e.key)::int, 0) + e.value::int)
           FROM jsonb_each_text(o.errors) AS e), '{}'::jsonb), "last_active" = coalesce(o.last_active, p.last_active), "running" = 0, "status" = 'retired', "retired_at" = coalesce(p.retired_at, now()), "updated_at" = now()
  from jsonb_to_recordset($1::jsonb) as o(id uuid, tasks integer, successes integer, tokens real, duration_ms real,
  types jsonb, errors jsonb, last_active timestamptz)
  where p.id = o.id and "p"."tenant_id" = $2
  returning "p"."id";

-- foldFromRows
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001"]
with "input" as (select "id", agent_id::uuid as "agent_id", 'code' as "task_type", 900 as "duration_ms", now() as "at"
  from "tasks"), "change" as (select "id" as "task_id", 120 as "tokens"
  from "tasks"), "folds" as (select "i"."agent_id" as "id", count(*)::int as "tasks", count(*)::int as "successes", sum("c"."tokens")::real as "tokens", sum("i"."duration_ms")::real as "duration_ms", (select jsonb_object_agg("x"."task_type", jsonb_build_object('tasks', "x"."n", 'successes', "x"."n")) as "types"
  from (select "i2"."task_type", count(*)::int as "n"
  from "input" as "i2"
  inner join "change" as "c2" on "c2"."task_id" = "i2"."id"
  where "i2"."agent_id" = "i"."agent_id"
  group by "i2"."task_type") as "x") as "types", '{}'::jsonb as "errors", max("i"."at") as "last_active"
  from "input" as "i"
  inner join "change" as "c" on "c"."task_id" = "i"."id"
  where "i"."agent_id" is not null
  group by "i"."agent_id"), "profile" as (update "agent_profiles" as "p"
  set "tasks" = p.tasks + o.tasks, "successes" = p.successes + o.successes, "failures" = p.failures + o.tasks - o.successes, "success_rate" = (p.successes + o.successes)::real / greatest(p.tasks + o.tasks, 1), "avg_tokens" = p.avg_tokens + (o.tokens - p.avg_tokens * o.tasks) / greatest(p.tasks + o.tasks, 1), "avg_duration_ms" = p.avg_duration_ms + (o.duration_ms - p.avg_duration_ms * o.tasks) / greatest(p.tasks + o.tasks, 1), "task_type_scores" = p.task_type_scores || coalesce((SELECT jsonb_object_agg(t.key, jsonb_build_object(
           'tasks', coalesce((p.task_type_scores -> t.key ->> 'tasks')::int, 0) + (t.value ->> 'tasks')::int,
           'successes', coalesce((p.task_type_scores -> t.key ->> 'successes')::int, 0) + (t.value ->> 'successes')::int))
           FROM jsonb_each(o.types) AS t), '{}'::jsonb), "error_kinds" = p.error_kinds || coalesce((SELECT jsonb_object_agg(e.key, coalesce((p.error_kinds ->> e.key)::int, 0) + e.value::int)
           FROM jsonb_each_text(o.errors) AS e), '{}'::jsonb), "last_active" = coalesce(o.last_active, p.last_active), "running" = greatest(p.running - o.tasks, 0), "status" = CASE WHEN p.status = 'retired' THEN p.status WHEN p.running - o.tasks > 0 THEN 'busy' ELSE 'idle' END, "updated_at" = now()
  from "folds" as "o", (select "id"
  from "agent_profiles"
  where "tenant_id" = $1 and "id" in (select "id"
  from "folds")
  order by "id" for update) as "l"
  where "p"."id" = "o"."id" and "p"."id" = "l"."id" and "p"."tenant_id" = $2
  returning "p"."id") select *
  from "profile";

-- markReused
-- parameters: ["00000000-0000-0000-0000-000000000001",["00000000-0000-0000-0000-000000000002"],"00000000-0000-0000-0000-000000000001"]
with "locked" as materialized (select "id"
  from "agent_profiles"
  where "tenant_id" = $1 and "id" = any($2::uuid[])
  order by "id" for update) update "agent_profiles" as "p"
  set "reuse_count" = p.reuse_count + 1, "updated_at" = now()
  from "locked"
  where "p"."id" = "locked"."id" and "p"."tenant_id" = $3;

-- lockSpawns
-- parameters: ["agent-spawns:00000000-0000-0000-0000-000000000001"]
select pg_advisory_xact_lock(hashtextextended($1, 0))::text as "locked";

-- countRunning
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*) as "n"
  from "agent_profiles"
  where "tenant_id" = $1 and "running" > 0 and "status" <> 'retired' and not "builtin";

-- countSpawnedForGoal
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000003"]
select count(*) as "n"
  from "agent_profiles"
  where "tenant_id" = $1 and "spawned_by_goal_id" = $2;
