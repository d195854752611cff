-- Rendered from src/rbac/role.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000d1","00000000-0000-0000-0000-000000000001","auditor","reads everything",["goals:read"],["viewer"]]
insert into "roles" ("id", "tenant_id", "name", "description", "permissions", "inherits")
  values ($1, $2, $3, $4, $5, $6)
  on conflict ("tenant_id", "name") do nothing
  returning "name";

-- ofTenant
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "name", "description", "permissions", "inherits"
  from "roles"
  where "tenant_id" = $1
  order by "name";

-- update
-- parameters: ["reads everything",["goals:read"],["viewer"],"00000000-0000-0000-0000-000000000001","auditor"]
update "roles"
  set "description" = $1, "permissions" = $2, "inherits" = $3, "updated_at" = now()
  where "tenant_id" = $4 and "name" = $5;

-- delete
-- parameters: ["00000000-0000-0000-0000-000000000001","auditor"]
delete
  from "roles"
  where "tenant_id" = $1 and "name" = $2;
