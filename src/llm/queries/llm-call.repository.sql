-- Rendered from src/llm/llm-call.repository.ts by `npm run db:queries`; do not edit.

-- storeOne
-- parameters: ["00000000-0000-0000-0000-000000000004","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003","generalist","task","scripted","m","succeeded",null,1,10,5,0.001,12,10,5,0.001,"00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001",10,5,0.001,1,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001","tokens_per_day",15]
with "c" as (insert into "llm_calls" ("id", "tenant_id", "goal_id", "task_id", "agent", "purpose", "provider", "model", "status", "error", "attempts", "prompt_tokens", "completion_tokens", "cost_usd", "duration_ms")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
  returning 1 as "one"), "t" as (update "tasks"
  set "prompt_tokens" = "prompt_tokens" + $16, "completion_tokens" = "completion_tokens" + $17, "cost_usd" = "cost_usd" + $18
  where $19::uuid IS NOT NULL and "id" = $20::uuid and "tenant_id" = $21
  returning 1 as "one"), "g" as (update "goals"
  set "prompt_tokens" = "prompt_tokens" + $22, "completion_tokens" = "completion_tokens" + $23, "cost_usd" = "cost_usd" + $24, "llm_calls" = "llm_calls" + $25
  where $26::uuid IS NOT NULL and "id" = $27::uuid and "tenant_id" = $28
  returning 1 as "one"), "u" as (insert into "tenant_usage" ("tenant_id", "resource", "window_start", "used")
  values ($29, $30, date_trunc('day', now(), 'UTC'), $31)
  on conflict ("tenant_id", "resource", "window_start") do update
  set "used" = tenant_usage.used + excluded.used, "updated_at" = now()
  returning "tenant_id", "used") select "u"."tenant_id", "u"."used"
  from "u";

-- storeMany
-- parameters: ["[{\"id\":\"00000000-0000-0000-0000-000000000004\",\"tenant_id\":\"00000000-0000-0000-0000-000000000001\",\"goal_id\":\"00000000-0000-0000-0000-000000000002\",\"task_id\":\"00000000-0000-0000-0000-000000000003\",\"agent\":\"generalist\",\"purpose\":\"task\",\"provider\":\"scripted\",\"model\":\"m\",\"status\":\"succeeded\",\"error\":null,\"attempts\":1,\"prompt_tokens\":10,\"completion_tokens\":5,\"cost_usd\":0.001,\"duration_ms\":12},{\"id\":\"00000000-0000-0000-0000-000000000004\",\"tenant_id\":\"00000000-0000-0000-0000-000000000001\",\"goal_id\":\"00000000-0000-0000-0000-000000000002\",\"task_id\":\"00000000-0000-0000-0000-000000000003\",\"agent\":\"generalist\",\"purpose\":\"task\",\"provider\":\"scripted\",\"model\":\"m\",\"status\":\"succeeded\",\"error\":null,\"attempts\":1,\"prompt_tokens\":10,\"completion_tokens\":5,\"cost_usd\":0.001,\"duration_ms\":12}]"]
with "v" as (select *
  from jsonb_to_recordset($1::jsonb) as "v"("id" uuid, "tenant_id" uuid, "goal_id" uuid, "task_id" uuid, "agent" text, "purpose" text, "provider" text, "model" text, "status" text, "error" text, "attempts" integer, "prompt_tokens" integer, "completion_tokens" integer, "cost_usd" numeric, "duration_ms" integer)), "c" as (insert into "llm_calls" ("id", "tenant_id", "goal_id", "task_id", "agent", "purpose", "provider", "model", "status", "error", "attempts", "prompt_tokens", "completion_tokens", "cost_usd", "duration_ms") select "id", "tenant_id", "goal_id", "task_id", "agent", "purpose", "provider", "model", "status", "error", "attempts", "prompt_tokens", "completion_tokens", "cost_usd", "duration_ms"
  from "v"
  returning 1 as "one"), "t" as (update "tasks"
  set "prompt_tokens" = "tasks"."prompt_tokens" + "s"."prompt_tokens", "completion_tokens" = "tasks"."completion_tokens" + "s"."completion_tokens", "cost_usd" = "tasks"."cost_usd" + "s"."cost_usd"
  from (select "v"."task_id", "v"."tenant_id", sum("v"."prompt_tokens") as "prompt_tokens", sum("v"."completion_tokens") as "completion_tokens", sum("v"."cost_usd") as "cost_usd"
  from "v"
  where "v"."task_id" is not null
  group by "v"."task_id", "v"."tenant_id") as "s"
  where "tasks"."id" = "s"."task_id" and "tasks"."tenant_id" = "s"."tenant_id"
  returning 1 as "one"), "g" as (update "goals"
  set "prompt_tokens" = "goals"."prompt_tokens" + "s"."prompt_tokens", "completion_tokens" = "goals"."completion_tokens" + "s"."completion_tokens", "cost_usd" = "goals"."cost_usd" + "s"."cost_usd", "llm_calls" = "goals"."llm_calls" + "s"."calls"
  from (select "v"."goal_id", "v"."tenant_id", sum("v"."prompt_tokens") as "prompt_tokens", sum("v"."completion_tokens") as "completion_tokens", sum("v"."cost_usd") as "cost_usd", count(*) as "calls"
  from "v"
  where "v"."goal_id" is not null
  group by "v"."goal_id", "v"."tenant_id") as "s"
  where "goals"."id" = "s"."goal_id" and "goals"."tenant_id" = "s"."tenant_id"
  returning 1 as "one"), "u" as (insert into "tenant_usage" ("tenant_id", "resource", "window_start", "used") select "v"."tenant_id", 'tokens_per_day' as "resource", date_trunc('day', now(), 'UTC') as "window_start", sum("v"."prompt_tokens" + "v"."completion_tokens") as "used"
  from "v"
  group by "v"."tenant_id"
  on conflict ("tenant_id", "resource", "window_start") do update
  set "used" = tenant_usage.used + excluded.used, "updated_at" = now()
  returning "tenant_id", "used") select "u"."tenant_id", "u"."used"
  from "u";

-- usageByAgent
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
select "agent", count(*) as "calls", sum("prompt_tokens") as "prompt_tokens", sum("completion_tokens") as "completion_tokens", sum("cost_usd") as "cost_usd"
  from "llm_calls"
  where "tenant_id" = $1 and "goal_id" = $2
  group by "agent"
  order by "agent";
