-- Rendered from src/tenancy/tenant.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-000000000001","acme","Acme"]
insert into "tenants" ("id", "slug", "name")
  values ($1, $2, $3)
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
  order by "created_at";

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
