-- Rendered from src/quotas/tenant-usage.repository.ts by `npm run db:queries`; do not edit.

-- consume (a daily quota)
-- parameters: ["00000000-0000-0000-0000-000000000001","goals_per_day",1,10,1,10,10,10]
insert into "tenant_usage" ("tenant_id", "resource", "window_start", "used") select $1::uuid as "tenant_id", $2::text as "resource", date_trunc('day', now(), 'UTC') as "window_start", $3::bigint as "used"
  where ($4::bigint IS NULL OR $5::bigint <= $6::bigint)
  on conflict ("tenant_id", "resource", "window_start") do update
  set "used" = tenant_usage.used + excluded.used, "updated_at" = now()
  where $7::bigint IS NULL OR tenant_usage.used + excluded.used <= $8::bigint
  returning "used", "window_start";

-- consume (no limit)
-- parameters: ["00000000-0000-0000-0000-000000000001","tokens_per_day",500,null,500,null,null,null]
insert into "tenant_usage" ("tenant_id", "resource", "window_start", "used") select $1::uuid as "tenant_id", $2::text as "resource", date_trunc('day', now(), 'UTC') as "window_start", $3::bigint as "used"
  where ($4::bigint IS NULL OR $5::bigint <= $6::bigint)
  on conflict ("tenant_id", "resource", "window_start") do update
  set "used" = tenant_usage.used + excluded.used, "updated_at" = now()
  where $7::bigint IS NULL OR tenant_usage.used + excluded.used <= $8::bigint
  returning "used", "window_start";

-- release
-- parameters: [1024,"00000000-0000-0000-0000-000000000001","storage_bytes"]
update "tenant_usage"
  set "used" = greatest(used - $1::bigint, 0), "updated_at" = now()
  where "tenant_id" = $2 and "resource" = $3 and "window_start" = 'epoch'::timestamptz;

-- current
-- parameters: ["00000000-0000-0000-0000-000000000001","goals_per_day","tokens_per_day"]
select "resource", "used"
  from "tenant_usage"
  where "tenant_id" = $1 and (("resource" in ($2, $3) and "window_start" = date_trunc('day', now(), 'UTC')) or "window_start" = 'epoch'::timestamptz);

-- today
-- parameters: []
select "tenant_id", "resource", "used"
  from "tenant_usage"
  where "window_start" in (date_trunc('day', now(), 'UTC'), 'epoch'::timestamptz);

-- deleteEnded
-- parameters: [30]
delete
  from "tenant_usage"
  where "window_start" <> 'epoch'::timestamptz and "window_start" < now() - make_interval(days => $1);
