-- Rendered from src/events/goal-event.repository.ts by `npm run db:queries`; do not edit.

-- append
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","task.failed","00000000-0000-0000-0000-000000000003","{\"task_key\":\"t1\"}"]
with "s" as (update "goals"
  set "event_seq" = "event_seq" + 1
  where "id" = $1::uuid and "tenant_id" = $2
  returning "event_seq") insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $3::uuid as "tenant_id", $4::uuid as "goal_id", "s"."event_seq", $5 as "type", $6::uuid as "task_id", $7::jsonb as "data", clock_timestamp() as "created_at"
  from "s"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at";

-- append (embedded)
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","task.failed","00000000-0000-0000-0000-000000000003","{\"task_key\":\"t1\"}"]
with "s" as (select coalesce(max(seq), 0) + 1 as "event_seq"
  from "goal_events"
  where "goal_id" = $1::uuid) insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $2::uuid as "tenant_id", $3::uuid as "goal_id", "s"."event_seq", $4 as "type", $5::uuid as "task_id", $6::jsonb as "data", clock_timestamp() as "created_at"
  from "s"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at";

-- appendMany
-- parameters: [1,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"[{\"type\":\"task.failed\",\"task_id\":\"00000000-0000-0000-0000-000000000003\",\"data\":{\"task_key\":\"t1\"},\"merge\":false}]"]
with "s" as (update "goals"
  set "event_seq" = "event_seq" + $1::int
  where "id" = $2::uuid and "tenant_id" = $3
  returning "event_seq") insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $4::uuid as "tenant_id", $5::uuid as "goal_id", s.event_seq - $6::int + e.ord as "seq", e.item->>'type' as "type", (e.item->>'task_id')::uuid as "task_id", e.item->'data' as "data", clock_timestamp() as "created_at"
  from "s", jsonb_array_elements($7::jsonb) with ordinality as e(item, ord)
  order by "e"."ord"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at";

-- appendMany (embedded)
-- parameters: [1,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"[{\"type\":\"task.failed\",\"task_id\":\"00000000-0000-0000-0000-000000000003\",\"data\":{\"task_key\":\"t1\"},\"merge\":false}]"]
with "s" as (select coalesce(max(seq), 0) + $1::int as "event_seq"
  from "goal_events"
  where "goal_id" = $2::uuid) insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $3::uuid as "tenant_id", $4::uuid as "goal_id", s.event_seq - $5::int + e.ord as "seq", e.item->>'type' as "type", (e.item->>'task_id')::uuid as "task_id", e.item->'data' as "data", clock_timestamp() as "created_at"
  from "s", jsonb_array_elements($6::jsonb) with ordinality as e(item, ord)
  order by "e"."ord"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at";

-- appendAfterChange
-- parameters: ["failed","00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001",1,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"[{\"type\":\"task.failed\",\"task_id\":\"00000000-0000-0000-0000-000000000003\",\"data\":{\"task_key\":\"t1\"},\"merge\":false}]"]
with "change" as (update "tasks"
  set "status" = $1
  where "id" = $2 and "tenant_id" = $3
  returning "id"), "s" as (update "goals"
  set "event_seq" = "event_seq" + $4::int
  where "id" = $5::uuid and "tenant_id" = $6
  returning "event_seq") insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $7::uuid as "tenant_id", $8::uuid as "goal_id", s.event_seq - $9::int + e.ord as "seq", e.item->>'type' as "type", (e.item->>'task_id')::uuid as "task_id", e.item->'data' || CASE WHEN (e.item->>'merge')::boolean
                THEN coalesce((SELECT to_jsonb(change) FROM change LIMIT 1), '{}'::jsonb)
                ELSE '{}'::jsonb END as "data", clock_timestamp() as "created_at"
  from "s", jsonb_array_elements($10::jsonb) with ordinality as e(item, ord)
  where EXISTS (SELECT 1 FROM change)
  order by "e"."ord"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at", (SELECT row_to_json(change) FROM change LIMIT 1) as "change";

-- appendFromRows
-- parameters: ["00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1]
with "events" as (select 1 as "ord", 'task.started' as "type", "id" as "task_id", '{}'::jsonb as "data"
  from "tasks"
  where "id" = $1), "s" as (update "goals"
  set "event_seq" = "event_seq" + (SELECT count(*)::int FROM events)
  where "id" = $2::uuid and "tenant_id" = $3
  returning "event_seq"), "ev" as (insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $4::uuid as "tenant_id", $5::uuid as "goal_id", s.event_seq - (SELECT count(*)::int FROM events) + row_number() OVER (ORDER BY e.ord) as "seq", "e"."type", "e"."task_id", e.data as "data", clock_timestamp() as "created_at"
  from "s", "events" as "e"
  order by "e"."ord"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at") select "ev".*, (select to_jsonb(x) as "source"
  from "events" as "x"
  where x.task_id IS NOT DISTINCT FROM ev.task_id and "x"."type" = "ev"."type"
  limit $6) as "source"
  from "ev"
  order by "ev"."seq";

-- appendFromRows (embedded)
-- parameters: ["00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1]
with "events" as (select 1 as "ord", 'task.started' as "type", "id" as "task_id", '{}'::jsonb as "data"
  from "tasks"
  where "id" = $1), "s" as (select coalesce(max(seq), 0) + (SELECT count(*)::int FROM events) as "event_seq"
  from "goal_events"
  where "goal_id" = $2::uuid), "ev" as (insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $3::uuid as "tenant_id", $4::uuid as "goal_id", s.event_seq - (SELECT count(*)::int FROM events) + row_number() OVER (ORDER BY e.ord) as "seq", "e"."type", "e"."task_id", e.data as "data", clock_timestamp() as "created_at"
  from "s", "events" as "e"
  order by "e"."ord"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at") select "ev".*, (select to_jsonb(x) as "source"
  from "events" as "x"
  where x.task_id IS NOT DISTINCT FROM ev.task_id and "x"."type" = "ev"."type"
  limit $5) as "source"
  from "ev"
  order by "ev"."seq";

-- insertGoalWithEvents
-- parameters: ["00000000-0000-0000-0000-000000000001","goals_per_day",1,10,1,10,"00000000-0000-0000-0000-000000000001","key-1",10,10,1,"[{\"id\":\"00000000-0000-0000-0000-000000000002\",\"tenant_id\":\"00000000-0000-0000-0000-000000000001\",\"title\":\"t\",\"goal\":\"g\",\"status\":\"queued\",\"state\":\"RECEIVED\",\"requested_pattern\":null,\"priority\":5,\"metadata\":{},\"created_by\":null,\"idempotency_key\":\"key-1\"}]","00000000-0000-0000-0000-000000000001","[{\"type\":\"goal.created\",\"task_id\":null,\"data\":{\"title\":\"t\"},\"merge\":false}]"]
with "admitted" as (insert into "tenant_usage" ("tenant_id", "resource", "window_start", "used") select $1::uuid as "tenant_id", $2::text as "resource", date_trunc('day', now(), 'UTC') as "window_start", $3::bigint as "used"
  where (($4::bigint IS NULL OR $5::bigint <= $6::bigint) and NOT EXISTS (SELECT 1 FROM goals WHERE tenant_id = $7::uuid AND idempotency_key = $8))
  on conflict ("tenant_id", "resource", "window_start") do update
  set "used" = tenant_usage.used + excluded.used, "updated_at" = now()
  where $9::bigint IS NULL OR tenant_usage.used + excluded.used <= $10::bigint
  returning "used", "window_start"), "g" as (insert into "goals" ("id", "tenant_id", "title", "goal", "status", "state", "requested_pattern", "priority", "metadata", "created_by", "idempotency_key", "event_seq") select "r".*, $11::int as "event_seq"
  from jsonb_to_recordset($12::jsonb) as "r"("id" uuid, "tenant_id" uuid, "title" text, "goal" text, "status" text, "state" text, "requested_pattern" text, "priority" int, "metadata" jsonb, "created_by" text, "idempotency_key" text)
  where EXISTS (SELECT 1 FROM admitted)
  on conflict ("tenant_id", "idempotency_key")
  where "idempotency_key" is not null do nothing
  returning "id"), "ev" as (insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $13::uuid as "tenant_id", "g"."id", "e"."ord", e.item->>'type' as "type", NULL as "task_id", e.item->'data' as "data", clock_timestamp() as "created_at"
  from "g", jsonb_array_elements($14::jsonb) with ordinality as e(item, ord)
  order by "e"."ord"
  returning "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at") select (SELECT used FROM admitted) as "admitted", (SELECT json_agg(ev ORDER BY ev.seq) FROM ev) as "events";

-- updateGoalWithEvents
-- parameters: ["PLANNING","running",1,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","ANALYZING_INTENT","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"[{\"type\":\"goal.status\",\"task_id\":null,\"data\":{\"to\":\"PLANNING\"},\"merge\":false}]"]
with "g" as (update "goals"
  set "state" = $1, "status" = $2, "event_seq" = "event_seq" + $3::int
  where "id" = $4 and "tenant_id" = $5 and "state" = $6 and "status" <> 'paused'
  returning *), "ev" as (insert into "goal_events" ("tenant_id", "goal_id", "seq", "type", "task_id", "data", "created_at") select $7::uuid as "tenant_id", $8::uuid as "goal_id", "g"."event_seq" - $9::int + e.ord as "seq", e.item->>'type' as "type", NULL as "task_id", e.item->'data' as "data", clock_timestamp() as "created_at"
  from "g", jsonb_array_elements($10::jsonb) with ordinality as e(item, ord)
  order by "e"."ord"
  returning "id", "seq", "type", "data", "created_at") select "g".*, (SELECT json_agg(ev ORDER BY ev.seq) FROM ev) as "appended_events"
  from "g";

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","0",1000]
select "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at"
  from "goal_events"
  where "tenant_id" = $1 and "goal_id" = $2 and "id" > $3
  order by "id"
  limit $4;

-- seqAt
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","10"]
select max("seq") as "seq"
  from "goal_events"
  where "tenant_id" = $1 and "goal_id" = $2 and "id" <= $3;

-- lastSeq
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
select coalesce(max(seq), 0)::int as "seq"
  from "goal_events"
  where "goal_id" = $1 and "tenant_id" = $2;

-- listForTenant
-- parameters: ["00000000-0000-0000-0000-000000000001","0",1000]
select "id", "seq", "goal_id", "tenant_id", "task_id", "type", "data", "created_at"
  from "goal_events"
  where "tenant_id" = $1 and "id" > $2
  order by "id"
  limit $3;

-- deleteOfEndedGoals
-- parameters: [30]
delete
  from "goal_events" as "e" using "goals" as "g"
  where "e"."goal_id" = "g"."id" and "g"."status" in ('completed', 'failed', 'cancelled') and "g"."completed_at" < now() - make_interval(days => $1);
