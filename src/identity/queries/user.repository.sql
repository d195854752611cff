-- Rendered from src/identity/user.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000b1","00000000-0000-0000-0000-000000000001","ada@example.com","Ada",null]
insert into "users" ("id", "tenant_id", "email", "display_name", "password_hash")
  values ($1, $2, $3, $4, $5)
  on conflict ("tenant_id", "email") do nothing
  returning *;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select *
  from "users"
  where "tenant_id" = $1 and "id" = $2;

-- byEmail
-- parameters: ["00000000-0000-0000-0000-000000000001","ada@example.com"]
select *
  from "users"
  where "tenant_id" = $1 and "email" = $2;

-- homeTenantOf
-- parameters: ["00000000-0000-0000-0000-0000000000b1"]
select "tenant_id"
  from "users"
  where "id" = $1;

-- stateOf
-- parameters: ["00000000-0000-0000-0000-0000000000b1"]
select "tenant_id", "status"
  from "users"
  where "id" = $1;

-- page
-- parameters: ["00000000-0000-0000-0000-000000000001",50,0]
select *
  from "users"
  where "tenant_id" = $1
  order by "created_at", "id"
  limit $2
  offset $3;

-- count
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*)::int as "count"
  from "users"
  where "tenant_id" = $1;

-- update
-- parameters: ["Ada","active","hash","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "users"
  set "display_name" = $1, "status" = $2, "password_hash" = $3, "updated_at" = now()
  where "tenant_id" = $4 and "id" = $5
  returning *;

-- update with a new password
-- parameters: ["Ada","active","hash",0,null,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "users"
  set "display_name" = $1, "status" = $2, "password_hash" = $3, "failed_login_count" = $4, "locked_until" = $5, "updated_at" = now()
  where "tenant_id" = $6 and "id" = $7
  returning *;

-- delete
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
delete
  from "users"
  where "tenant_id" = $1 and "id" = $2;

-- countLoginAttempt
-- parameters: [1,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "users"
  set "failed_login_count" = "failed_login_count" + $1
  where "tenant_id" = $2 and "id" = $3 and ("locked_until" is null or "locked_until" <= now())
  returning "failed_login_count";

-- lockLogin
-- parameters: ["2026-01-01T00:00:00.000Z","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "users"
  set "locked_until" = $1
  where "tenant_id" = $2 and "id" = $3;

-- clearLoginFailures
-- parameters: [0,null,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "users"
  set "failed_login_count" = $1, "locked_until" = $2
  where "tenant_id" = $3 and "id" = $4;

-- recordLoginSuccess
-- parameters: [0,null,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "users"
  set "failed_login_count" = $1, "locked_until" = $2, "last_login_at" = now()
  where "tenant_id" = $3 and "id" = $4;
