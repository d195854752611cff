-- Rendered from src/apikeys/api-key.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000a1","00000000-0000-0000-0000-000000000001","k1","hash","ci","service",["goals:read"],"00000000-0000-0000-0000-0000000000b1",null,60,1000,10000,10,[],[],[]]
insert into "api_keys" ("id", "tenant_id", "key_id", "secret_hash", "name", "type", "scopes", "owner_user_id", "expires_at", "rate_limit_per_minute", "rate_limit_per_hour", "rate_limit_per_day", "rate_limit_burst", "allowed_ips", "allowed_cidrs", "blocked_ips")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
  returning *;

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select *
  from "api_keys"
  where "tenant_id" = $1
  order by "created_at" desc, "id";

-- list of owner
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select *
  from "api_keys"
  where "tenant_id" = $1 and "owner_user_id" = $2
  order by "created_at" desc, "id";

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000a1"]
select *
  from "api_keys"
  where "tenant_id" = $1 and "id" = $2;

-- byId of owner
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000a1","00000000-0000-0000-0000-0000000000b1"]
select *
  from "api_keys"
  where "tenant_id" = $1 and "id" = $2 and "owner_user_id" = $3;

-- byKeyId
-- parameters: ["k1"]
select *
  from "api_keys"
  where "key_id" = $1;

-- rotate
-- parameters: ["k2","hash2","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000a1"]
update "api_keys"
  set "key_id" = $1, "secret_hash" = $2, "rotated_at" = now(), "updated_at" = now()
  where "tenant_id" = $3 and "id" = $4
  returning *;

-- revoke
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000a1"]
update "api_keys"
  set "status" = 'revoked', "revoked_at" = coalesce("revoked_at", now()), "updated_at" = now()
  where "tenant_id" = $1 and "id" = $2
  returning *;

-- delete
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000a1"]
delete
  from "api_keys"
  where "tenant_id" = $1 and "id" = $2;

-- count
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*)::int as "count"
  from "api_keys"
  where "tenant_id" = $1;

-- recordUse
-- parameters: ["10.0.0.1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000a1"]
update "api_keys"
  set "last_used_at" = now(), "last_used_ip" = $1
  where "tenant_id" = $2 and "id" = $3;
