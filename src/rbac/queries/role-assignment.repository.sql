-- Rendered from src/rbac/role-assignment.repository.ts by `npm run db:queries`; do not edit.

-- upsert
-- parameters: ["00000000-0000-0000-0000-0000000000e1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","operator",null,"2026-01-01T00:00:00.000Z","00000000-0000-0000-0000-0000000000b1"]
insert into "role_assignments" ("id", "tenant_id", "user_id", "role", "valid_from", "valid_until", "created_by")
  values ($1, $2, $3, $4, $5, $6, $7)
  on conflict ("tenant_id", "user_id", "role") do update
  set "valid_from" = "excluded"."valid_from", "valid_until" = "excluded"."valid_until"
  returning *;

-- windowsOfUser
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select "role", "valid_from", "valid_until"
  from "role_assignments"
  where "tenant_id" = $1 and "user_id" = $2;

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select *
  from "role_assignments"
  where "tenant_id" = $1
  order by "created_at", "id";

-- list of user
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select *
  from "role_assignments"
  where "tenant_id" = $1 and "user_id" = $2
  order by "created_at", "id";

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
select *
  from "role_assignments"
  where "tenant_id" = $1 and "id" = $2;

-- anyOfRole
-- parameters: ["00000000-0000-0000-0000-000000000001","system_admin",1]
select 1 as "found"
  from "role_assignments"
  where "tenant_id" = $1 and "role" = $2
  limit $3;

-- deleteOfRole
-- parameters: ["00000000-0000-0000-0000-000000000001","auditor"]
delete
  from "role_assignments"
  where "tenant_id" = $1 and "role" = $2
  returning "user_id";

-- delete
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
delete
  from "role_assignments"
  where "tenant_id" = $1 and "id" = $2;
