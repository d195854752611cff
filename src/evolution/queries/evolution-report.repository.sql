-- Rendered from src/evolution/evolution-report.repository.ts by `npm run db:queries`; do not edit.

-- byPattern
-- parameters: ["00000000-0000-0000-0000-000000000001",50]
select coalesce(g.pattern, 'unknown') as "key", count(*) as "goals", count(*) filter(where "g"."status" = 'completed') as "completed", count(*) filter(where "g"."status" = 'failed') as "failed", avg(g.prompt_tokens + g.completion_tokens) as "mean_tokens", avg(extract(epoch FROM (g.completed_at - coalesce(g.started_at, g.created_at))) * 1000) as "mean_duration_ms"
  from "goals" as "g"
  where "g"."tenant_id" = $1 and "g"."status" in ('completed', 'failed')
  group by 1
  order by 2 desc
  limit $2;

-- byComplexity
-- parameters: ["00000000-0000-0000-0000-000000000001",50]
select coalesce(g.complexity, 'unknown') as "key", count(*) as "goals", count(*) filter(where "g"."status" = 'completed') as "completed", count(*) filter(where "g"."status" = 'failed') as "failed", avg(g.prompt_tokens + g.completion_tokens) as "mean_tokens", avg(extract(epoch FROM (g.completed_at - coalesce(g.started_at, g.created_at))) * 1000) as "mean_duration_ms"
  from "goals" as "g"
  where "g"."tenant_id" = $1 and "g"."status" in ('completed', 'failed')
  group by 1
  order by 2 desc
  limit $2;

-- byCapability
-- parameters: ["00000000-0000-0000-0000-000000000001",50]
select c.cap as "key", count(*) as "goals", count(*) filter(where "g"."status" = 'completed') as "completed", count(*) filter(where "g"."status" = 'failed') as "failed", avg(g.prompt_tokens + g.completion_tokens) as "mean_tokens", avg(extract(epoch FROM (g.completed_at - coalesce(g.started_at, g.created_at))) * 1000) as "mean_duration_ms"
  from "goals" as "g" cross join jsonb_array_elements_text(coalesce(g.intent->'capabilities', '[]'::jsonb)) as c(cap)
  where "g"."tenant_id" = $1 and "g"."status" in ('completed', 'failed')
  group by 1
  order by 2 desc
  limit $2;

-- byAgentKind
-- parameters: ["00000000-0000-0000-0000-000000000001",50]
select coalesce(agent_kind, 'unassigned') as "agent", count(*) as "tasks", count(*) filter(where "status" = 'failed') as "failed", sum(prompt_tokens + completion_tokens) as "tokens"
  from "tasks"
  where "tenant_id" = $1
  group by 1
  order by 2 desc
  limit $2;

-- topFailureReasons
-- parameters: ["00000000-0000-0000-0000-000000000001",10]
select left(f.reason, 300) as "reason", count(*) as "goals"
  from "goals" as "g", jsonb_array_elements_text(g.failure_reasons) as f(reason)
  where "g"."tenant_id" = $1
  group by 1
  order by 2 desc
  limit $2;

-- recurringLessons
-- parameters: ["00000000-0000-0000-0000-000000000001",3]
select l.lesson as "lesson", count(distinct "m"."source_goal_id") as "goals"
  from "memories" as "m", jsonb_array_elements_text(CASE WHEN jsonb_typeof(m.metadata->'lessons') = 'array' THEN m.metadata->'lessons' ELSE '[]'::jsonb END) as l(lesson)
  where "m"."tenant_id" = $1 and "m"."kind" = 'strategic' and "m"."verified" and m.metadata->>'outcome' = 'rejected by the critic' and "m"."created_at" > now() - interval '30 days'
  group by l.lesson
  having count(distinct "m"."source_goal_id") >= 2
  order by "goals" desc, l.lesson
  limit $2;
