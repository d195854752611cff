-- Rendered from src/safety/approval.repository.ts by `npm run db:queries`; do not edit.

-- insertPending
-- parameters: ["00000000-0000-0000-0000-000000000004","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003","t1",1,"f","delete_file","{\"path\":\"a\"}",["delete"],"deletes a file","EXECUTING","2026-01-01T00:00:00.000Z","pending"]
insert into "approvals" ("id", "tenant_id", "goal_id", "task_id", "task_key", "plan_version", "action_fingerprint", "tool", "args", "categories", "reason", "resume_state", "expires_at", "status")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  on conflict ("goal_id", "action_fingerprint")
  where "status" = 'pending' do nothing
  returning "id";

-- ofGoal
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
select *
  from "approvals"
  where "tenant_id" = $1 and "goal_id" = $2
  order by "requested_at", "id";

-- ofTask
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003"]
select *
  from "approvals"
  where "tenant_id" = $1 and "goal_id" = $2 and "task_id" = $3
  order by "requested_at" desc;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000004","00000000-0000-0000-0000-000000000001"]
select *
  from "approvals"
  where "id" = $1 and "tenant_id" = $2;

-- lastDecision
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","f","superseded",1]
select "status", "decided_by", "comment"
  from "approvals"
  where "tenant_id" = $1 and "goal_id" = $2 and "action_fingerprint" = $3 and "status" <> $4
  order by "requested_at" desc
  limit $5;

-- goalsWithOverdue
-- parameters: ["pending",200]
select distinct "tenant_id", "goal_id"
  from "approvals"
  where "status" = $1 and "expires_at" < now() and not exists (select 1 as "one"
  from "goals"
  where "goals"."id" = "approvals"."goal_id" and "goals"."tenant_id" = "approvals"."tenant_id" and "goals"."status" = 'paused')
  limit $2;

-- overdueOfGoal
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","pending"]
select *
  from "approvals"
  where "tenant_id" = $1 and "goal_id" = $2 and "status" = $3 and "expires_at" < now();

-- pendingCount
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","pending"]
select count(*) as "pending"
  from "approvals"
  where "tenant_id" = $1 and "goal_id" = $2 and "status" = $3;

-- decide
-- parameters: ["approved","u","user",null,"00000000-0000-0000-0000-000000000001",["00000000-0000-0000-0000-000000000004"]]
update "approvals"
  set "status" = $1, "decided_at" = now(), "decided_by" = $2, "decided_by_kind" = $3, "comment" = $4
  where "tenant_id" = $5 and "id" = any($6);

-- supersedePending
-- parameters: ["superseded","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","pending"]
update "approvals"
  set "status" = $1, "decided_at" = now()
  where "tenant_id" = $2 and "goal_id" = $3 and "status" = $4;
