-- Rendered from src/webhooks/webhook-endpoint.repository.ts by `npm run db:queries`; do not edit.

-- lockOwner
-- parameters: ["webhook-owner:00000000-0000-0000-0000-0000000000b1"]
select pg_advisory_xact_lock(hashtextextended($1, 0))::text as "locked";

-- countOfOwner
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select count(*)::int as "count"
  from "webhook_endpoints"
  where "tenant_id" = $1 and "owner_id" = $2;

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000e1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","sealed","Goals",null,"https://hooks.example.com/in",["goal.*"],"{\"priority\":1}",false]
insert into "webhook_endpoints" ("id", "tenant_id", "owner_id", "sealed_secret", "name", "description", "url", "events", "filters", "standard_webhooks")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
  returning *;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
select *
  from "webhook_endpoints"
  where "tenant_id" = $1 and "id" = $2;

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001","ACTIVE",20,0]
select *, count(*) OVER ()::int as "total"
  from "webhook_endpoints"
  where "tenant_id" = $1 and "status" = $2
  order by "created_at" desc, "id" desc
  limit $3
  offset $4;

-- listAll
-- parameters: [20,0]
select *, count(*) OVER ()::int as "total"
  from "webhook_endpoints"
  order by "created_at" desc, "id" desc
  limit $1
  offset $2;

-- update
-- parameters: ["Goals",null,"https://hooks.example.com/in",["goal.*"],"{\"priority\":1}",false,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
update "webhook_endpoints"
  set "name" = $1, "description" = $2, "url" = $3, "events" = $4, "filters" = $5, "standard_webhooks" = $6, "updated_at" = now()
  where "tenant_id" = $7 and "id" = $8
  returning *;

-- setStatus
-- parameters: ["ACTIVE",null,0,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1","PAUSED","FAILED"]
update "webhook_endpoints"
  set "status" = $1, "status_reason" = $2, "consecutive_failures" = $3, "updated_at" = now()
  where "tenant_id" = $4 and "id" = $5 and "status" in ($6, $7)
  returning *;

-- rotateSecret
-- parameters: ["1970-01-01T00:00:00.000Z","sealed","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
update "webhook_endpoints"
  set "sealed_previous_secret" = sealed_secret, "previous_secret_expires_at" = $1, "sealed_secret" = $2, "updated_at" = now()
  where "tenant_id" = $3 and "id" = $4
  returning *;

-- delete
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
delete
  from "webhook_endpoints"
  where "tenant_id" = $1 and "id" = $2;

-- recordSuccess
-- parameters: [0,"00000000-0000-0000-0000-0000000000e1"]
update "webhook_endpoints"
  set "consecutive_failures" = $1, "last_delivery_at" = now(), "last_success_at" = now()
  where "id" = $2;

-- recordFailure
-- parameters: [1,"00000000-0000-0000-0000-0000000000e1"]
update "webhook_endpoints"
  set "consecutive_failures" = "consecutive_failures" + $1, "last_delivery_at" = now(), "last_failure_at" = now()
  where "id" = $2
  returning "consecutive_failures", "status";

-- disable
-- parameters: ["FAILED","failures","00000000-0000-0000-0000-0000000000e1","ACTIVE"]
update "webhook_endpoints"
  set "status" = $1, "status_reason" = $2, "updated_at" = now()
  where "id" = $3 and "status" = $4
  returning *;
