-- Rendered from src/goal-records/goal.repository.ts by `npm run db:queries`; do not edit.

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
select *
  from "goals"
  where "id" = $1 and "tenant_id" = $2;

-- countByStatus
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "status", count(*) as "total"
  from "goals"
  where "tenant_id" = $1
  group by "status";

-- countDriven
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
select count(*) as "total"
  from "goals"
  where "tenant_id" = $1 and "status" in ('queued', 'running') and "lease_expires_at" > now() and "id" <> $2;

-- lockWorkers
-- parameters: ["goal-workers:00000000-0000-0000-0000-000000000001"]
select pg_advisory_xact_lock(hashtextextended($1, 0))::text as "locked";

-- nextWaiting
-- parameters: ["00000000-0000-0000-0000-000000000001",1]
select "id", "event_seq"
  from "goals"
  where "tenant_id" = $1 and "status" in ('queued', 'running') and ("lease_expires_at" is null or "lease_expires_at" < now())
  order by "priority" desc, "created_at"
  limit $2;

-- pauseAllOf
-- parameters: [null,null,"00000000-0000-0000-0000-000000000001"]
update "goals"
  set "status" = 'paused', "paused_at" = now(), "lease_owner" = $1, "lease_expires_at" = $2, "updated_at" = now()
  where "tenant_id" = $3 and "status" in ('queued', 'running', 'awaiting_approval')
  returning "id";

-- resumeAllOf
-- parameters: [null,"00000000-0000-0000-0000-000000000001"]
update "goals"
  set "status" = CASE state WHEN 'RECEIVED' THEN 'queued' WHEN 'AWAITING_APPROVAL' THEN 'awaiting_approval' ELSE 'running' END, "paused_at" = $1, "updated_at" = now()
  where "tenant_id" = $2 and "status" = 'paused'
  returning "id", "status";

-- byIdempotencyKey
-- parameters: ["00000000-0000-0000-0000-000000000001","key-1"]
select "id", "status", "goal", "title", "requested_pattern", "priority", "metadata"
  from "goals"
  where "tenant_id" = $1 and "idempotency_key" = $2;

-- count
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*) as "total"
  from "goals"
  where "tenant_id" = $1;

-- count (one status)
-- parameters: ["00000000-0000-0000-0000-000000000001","running"]
select count(*) as "total"
  from "goals"
  where "tenant_id" = $1 and "status" = $2;

-- page
-- parameters: ["00000000-0000-0000-0000-000000000001",50,0]
select *
  from "goals"
  where "tenant_id" = $1
  order by "created_at" desc, "id" desc
  limit $2
  offset $3;

-- page (one status)
-- parameters: ["00000000-0000-0000-0000-000000000001","running",50,100]
select *
  from "goals"
  where "tenant_id" = $1 and "status" = $2
  order by "created_at" desc, "id" desc
  limit $3
  offset $4;

-- page (text search)
-- parameters: ["00000000-0000-0000-0000-000000000001","%q3%",50,0]
select *
  from "goals"
  where "tenant_id" = $1 and "goal" ilike $2
  order by "created_at" desc, "id" desc
  limit $3
  offset $4;

-- acquireLease
-- parameters: ["host:1:abc",30000,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","host:1:abc"]
update "goals"
  set "lease_owner" = $1, "lease_expires_at" = now() + make_interval(secs => $2::double precision / 1000)
  where "id" = $3 and "tenant_id" = $4 and "status" in ('queued', 'running') and ("lease_owner" is null or "lease_owner" = $5 or "lease_expires_at" < now())
  returning *;

-- renewLease
-- parameters: [30000,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","host:1:abc"]
update "goals"
  set "lease_expires_at" = now() + make_interval(secs => $1::double precision / 1000)
  where "id" = $2 and "tenant_id" = $3 and "lease_owner" = $4 and "status" in ('queued', 'running');

-- releaseLease
-- parameters: [null,null,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","host:1:abc"]
update "goals"
  set "lease_owner" = $1, "lease_expires_at" = $2
  where "id" = $3 and "tenant_id" = $4 and "lease_owner" = $5;

-- releaseAllLeases
-- parameters: [null,null]
update "goals"
  set "lease_owner" = $1, "lease_expires_at" = $2
  where "lease_owner" is not null;

-- orphans
-- parameters: [5000,500]
select "id", "tenant_id", "event_seq"
  from "goals"
  where "status" in ('queued', 'running') and ("lease_expires_at" is null or "lease_expires_at" < now()) and "updated_at" < now() - make_interval(secs => $1::double precision / 1000)
  order by "priority" desc, "created_at"
  limit $2;

-- exists
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
select 1 as "one"
  from "goals"
  where "id" = $1 and "tenant_id" = $2;

-- countUsage
-- parameters: [1,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "goals"
  set "tool_calls" = "tool_calls" + $1::int
  where "id" = $2 and "tenant_id" = $3
  returning "prompt_tokens", "completion_tokens", "cost_usd", "agents_spawned", "tool_calls", "started_at", "created_at", "approval_wait_ms";

-- addApprovalWait
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "goals"
  set "approval_wait_ms" = "approval_wait_ms" + (extract(epoch
  from now() - "updated_at") * 1000)::bigint
  where "id" = $1 and "tenant_id" = $2;

-- addSafetyViolations
-- parameters: ["[{\"check\":\"blocked_action\"}]","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "goals"
  set "safety_violations" = "safety_violations" || $1::jsonb
  where "id" = $2 and "tenant_id" = $3;
