-- Rendered from src/audit/audit-event.repository.ts by `npm run db:queries`; do not edit.

-- lockChain
-- parameters: ["audit-chain:00000000-0000-0000-0000-000000000001"]
select pg_advisory_xact_lock(hashtextextended($1, 0))::text as "locked";

-- lastEntry
-- parameters: ["00000000-0000-0000-0000-000000000001",1]
select "seq", "hash"
  from "audit_events"
  where "tenant_id" = $1
  order by "seq" desc
  limit $2;

-- lastCheckpoint
-- parameters: ["00000000-0000-0000-0000-000000000001",1]
select *
  from "audit_checkpoints"
  where "tenant_id" = $1
  order by "seq" desc
  limit $2;

-- insert
-- parameters: ["[]"]
insert into "audit_events" ("id", "tenant_id", "seq", "occurred_at", "category", "event_type", "severity", "outcome", "actor_id", "actor_type", "actor_ip", "resource_type", "resource_id", "request_id", "endpoint", "method", "duration_ms", "changes", "tags", "details", "message", "prev_hash", "hash") select "id", "tenant_id", "seq", "occurred_at", "category", "event_type", "severity", "outcome", "actor_id", "actor_type", "actor_ip", "resource_type", "resource_id", "request_id", "endpoint", "method", "duration_ms", "changes", "tags", "details", "message", "prev_hash", "hash"
  from jsonb_to_recordset($1::jsonb) as "r"("id" uuid, "tenant_id" uuid, "seq" bigint, "occurred_at" timestamptz, "category" text, "event_type" text, "severity" text, "outcome" text, "actor_id" text, "actor_type" text, "actor_ip" text, "resource_type" text, "resource_id" text, "request_id" text, "endpoint" text, "method" text, "duration_ms" integer, "changes" jsonb, "tags" text[], "details" jsonb, "message" text, "prev_hash" text, "hash" text);

-- search
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z","2026-02-01T00:00:00.000Z","u1","SECURITY","AUTHENTICATION","FAILURE",["http"],"%role%","%admin%",50,0]
select *
  from "audit_events"
  where "tenant_id" = $1 and "occurred_at" >= $2 and "occurred_at" <= $3 and "actor_id" = $4 and "category" in ($5, $6) and "outcome" in ($7) and "tags" @> $8::text[] and (concat_ws(' ', event_type, message, resource_type, resource_id, actor_id, endpoint) ilike $9 and concat_ws(' ', event_type, message, resource_type, resource_id, actor_id, endpoint) ilike $10)
  order by "occurred_at" desc, "seq" desc
  limit $11
  offset $12;

-- count
-- parameters: ["00000000-0000-0000-0000-000000000001","2026-01-01T00:00:00.000Z","2026-02-01T00:00:00.000Z","u1","SECURITY","AUTHENTICATION","FAILURE",["http"],"%role%","%admin%"]
select count(*) as "total"
  from "audit_events"
  where "tenant_id" = $1 and "occurred_at" >= $2 and "occurred_at" <= $3 and "actor_id" = $4 and "category" in ($5, $6) and "outcome" in ($7) and "tags" @> $8::text[] and (concat_ws(' ', event_type, message, resource_type, resource_id, actor_id, endpoint) ilike $9 and concat_ws(' ', event_type, message, resource_type, resource_id, actor_id, endpoint) ilike $10);

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000a1"]
select *
  from "audit_events"
  where "tenant_id" = $1 and "id" = $2;

-- chainPage
-- parameters: ["00000000-0000-0000-0000-000000000001",100,500]
select *
  from "audit_events"
  where "tenant_id" = $1 and "seq" > $2::bigint
  order by "seq"
  limit $3;

-- tenantsWithEntries
-- parameters: []
select distinct "tenant_id"
  from "audit_events";

-- expiredPrefixEnd
-- parameters: [365,90,"00000000-0000-0000-0000-000000000001"]
select max("seq") as "last", min(seq) FILTER (WHERE occurred_at >= now() - make_interval(days =>
          CASE WHEN category IN ('SECURITY', 'AUTHENTICATION') THEN $1::int ELSE $2::int END)) as "first_kept"
  from "audit_events"
  where "tenant_id" = $3;

-- allowMaintenance
-- parameters: []
select set_config('app.audit_maintenance', 'on', true) as "on";

-- deletePrefix
-- parameters: ["00000000-0000-0000-0000-000000000001",10]
delete
  from "audit_events"
  where "tenant_id" = $1 and "seq" <= $2::bigint;
