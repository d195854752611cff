-- Rendered from src/dashboard/dashboard-read-model.repository.ts by `npm run db:queries`; do not edit.

-- goalTotals
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*) as "total", count(*) filter(where "status" not in ('completed', 'failed', 'cancelled')) as "active", count(*) filter(where "status" = 'completed') as "completed", count(*) filter(where "status" = 'failed') as "failed", count(*) filter(where "status" = 'cancelled') as "cancelled", coalesce(sum(prompt_tokens + completion_tokens), 0) as "tokens", count(distinct "lease_owner") filter(where "lease_expires_at" > now()) as "workers"
  from "goals"
  where "tenant_id" = $1;

-- agentTotals
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(distinct "agent_id") as "total", count(distinct "agent_id") filter(where "status" = 'running') as "active"
  from "tasks"
  where "tenant_id" = $1 and "agent_id" is not null;

-- activeGoals
-- parameters: ["00000000-0000-0000-0000-000000000001",20]
select *
  from "goals"
  where "tenant_id" = $1 and "status" not in ('completed', 'failed', 'cancelled')
  order by "created_at" desc, "id" desc
  limit $2;

-- recentGoals
-- parameters: ["00000000-0000-0000-0000-000000000001",20]
select *
  from "goals"
  where "tenant_id" = $1 and "status" in ('completed', 'failed', 'cancelled')
  order by coalesce(completed_at, updated_at) desc, "id" desc
  limit $2;

-- currentTasks
-- parameters: ["00000000-0000-0000-0000-000000000001",["00000000-0000-0000-0000-0000000000f1"]]
select "t".*
  from "tasks" as "t"
  inner join "goals" as "g" on "g"."id" = "t"."goal_id" and "g"."tenant_id" = "t"."tenant_id"
  where "t"."tenant_id" = $1 and "t"."goal_id" = any($2) and "t"."plan_version" = "g"."plan_version"
  order by "t"."created_at", "t"."key";

-- agentActivity
-- parameters: ["00000000-0000-0000-0000-000000000001",50]
select "agent_id", max("agent_kind") as "agent_kind", count(*) as "total", count(*) filter(where "status" = 'running') as "running", count(*) filter(where "status" = 'completed') as "completed", count(*) filter(where "status" = 'failed') as "failed", coalesce(sum(prompt_tokens + completion_tokens), 0) as "tokens", max(coalesce(completed_at, started_at, updated_at)) as "last_active_at"
  from "tasks"
  where "tenant_id" = $1 and "agent_id" is not null
  group by "agent_id"
  order by max(updated_at) desc
  limit $2;

-- goalStatusCounts
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "status", count(*) as "n"
  from "goals"
  where "tenant_id" = $1
  group by "status";

-- agentKinds
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select coalesce(agent_kind, 'unknown') as "kind", count(distinct "agent_id") as "n"
  from "tasks"
  where "tenant_id" = $1 and "agent_id" is not null
  group by 1;

-- goalOutcomes
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*) filter(where "status" = 'completed') as "completed", count(*) filter(where "status" = 'failed') as "failed", avg(extract(epoch FROM completed_at - started_at) * 1000) FILTER (WHERE status = 'completed') as "avg_ms", coalesce(sum(prompt_tokens + completion_tokens), 0) as "tokens"
  from "goals"
  where "tenant_id" = $1;

-- hourly goalsCreated
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z"]
select date_trunc('hour', "created_at") as "t", count(*) as "v"
  from "goals"
  where "tenant_id" = $1 and "created_at" >= $2
  group by 1;

-- hourly goalsCompleted
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z"]
select date_trunc('hour', "completed_at") as "t", count(*) as "v"
  from "goals"
  where "tenant_id" = $1 and "completed_at" >= $2 and "status" = 'completed'
  group by 1;

-- hourly goalsFailed
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z"]
select date_trunc('hour', "completed_at") as "t", count(*) as "v"
  from "goals"
  where "tenant_id" = $1 and "completed_at" >= $2 and "status" = 'failed'
  group by 1;

-- hourly tasksCompleted
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z"]
select date_trunc('hour', "completed_at") as "t", count(*) as "v"
  from "tasks"
  where "tenant_id" = $1 and "status" = 'completed' and "completed_at" >= $2
  group by 1;

-- hourly successRate
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z"]
select date_trunc('hour', "completed_at") as "t", avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0.0 END) as "v"
  from "goals"
  where "tenant_id" = $1 and "completed_at" >= $2 and "status" in ('completed', 'failed')
  group by 1;

-- hourly durationMs
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z"]
select date_trunc('hour', "completed_at") as "t", avg(extract(epoch FROM completed_at - started_at) * 1000) as "v"
  from "goals"
  where "tenant_id" = $1 and "completed_at" >= $2 and "status" = 'completed'
  group by 1;

-- hourly tokens
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z"]
select date_trunc('hour', "created_at") as "t", sum(prompt_tokens + completion_tokens) as "v"
  from "llm_calls"
  where "tenant_id" = $1 and "created_at" >= $2
  group by 1;
