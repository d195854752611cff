-- Rendered from src/tenancy/tenant.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-000000000001","acme","Acme","FREE","ACTIVE",null,"{}","{}"]
insert into "tenants" ("id", "slug", "name", "tier", "status", "owner_email", "config", "quota_overrides")
  values ($1, $2, $3, $4, $5, $6, $7, $8)
  on conflict ("slug") do nothing
  returning *;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select *
  from "tenants"
  where "id" = $1;

-- bySlug
-- parameters: ["acme"]
select *
  from "tenants"
  where "slug" = $1;

-- byIdOrSlug
-- parameters: ["acme","acme"]
select *
  from "tenants"
  where (cast("id" as text) = $1 or "slug" = $2);

-- all
-- parameters: []
select *
  from "tenants"
  where "status" <> 'DELETED'
  order by "created_at";

-- all (with deleted)
-- parameters: []
select *
  from "tenants"
  order by "created_at";

-- update
-- parameters: ["Acme Corp","STARTER","00000000-0000-0000-0000-000000000001"]
update "tenants"
  set "name" = $1, "tier" = $2, "updated_at" = now()
  where "id" = $3 and "status" <> 'DELETED'
  returning *;

-- update (merging quota overrides and config)
-- parameters: ["{\"region\": \"eu\"}","{\"workers\": 2}","00000000-0000-0000-0000-000000000001"]
update "tenants"
  set "config" = config || $1::jsonb, "quota_overrides" = quota_overrides || $2::jsonb, "updated_at" = now()
  where "id" = $3 and "status" <> 'DELETED'
  returning *;

-- move (suspend)
-- parameters: ["SUSPENDED","billing",null,null,"00000000-0000-0000-0000-000000000001","ACTIVE"]
update "tenants"
  set "status" = $1, "status_reason" = $2, "status_changed_at" = now(), "updated_at" = now(), "deleted_at" = $3, "purge_after" = $4
  where "id" = $5 and "status" in ($6)
  returning *;

-- move (delete)
-- parameters: ["DELETED",null,30,"00000000-0000-0000-0000-000000000001","PENDING","ACTIVE","SUSPENDED"]
update "tenants"
  set "status" = $1, "status_reason" = $2, "status_changed_at" = now(), "updated_at" = now(), "deleted_at" = now(), "purge_after" = now() + make_interval(days => $3)
  where "id" = $4 and "status" in ($5, $6, $7)
  returning *;

-- setMfaRequired
-- parameters: [true,"00000000-0000-0000-0000-000000000001"]
update "tenants"
  set "mfa_required" = $1
  where "id" = $2
  returning *;

-- duePurge
-- parameters: ["DELETED","2026-01-01T00:00:00.000Z",100]
select "id"
  from "tenants"
  where "status" = $1 and "purge_after" <= $2
  order by "purge_after"
  limit $3;

-- lockForPurge
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "id", "status"
  from "tenants"
  where "id" = $1 for update;

-- deletePurged
-- parameters: ["00000000-0000-0000-0000-000000000001","DELETED"]
delete
  from "tenants"
  where "id" = $1 and "status" = $2;
