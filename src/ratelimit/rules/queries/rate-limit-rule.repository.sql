-- Rendered from src/ratelimit/rules/rate-limit-rule.repository.ts by `npm run db:queries`; do not edit.

-- all
-- parameters: []
select *
  from "rate_limit_rules"
  order by "name";

-- byId
-- parameters: ["00000000-0000-0000-0000-0000000000a1"]
select *
  from "rate_limit_rules"
  where "id" = $1;

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000a1","goals-per-ip","/api/v1/goals",["POST"],"SLIDING_WINDOW","IP",10,60,null,"admin"]
insert into "rate_limit_rules" ("id", "name", "path", "methods", "strategy", "scope", "limit", "window_s", "key_header", "created_by")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
  returning *;

-- update
-- parameters: [20,"00000000-0000-0000-0000-0000000000a1"]
update "rate_limit_rules"
  set "limit" = $1, "updated_at" = now()
  where "id" = $2
  returning *;

-- remove
-- parameters: ["00000000-0000-0000-0000-0000000000a1"]
delete
  from "rate_limit_rules"
  where "id" = $1;
