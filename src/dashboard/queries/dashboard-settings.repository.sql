-- Rendered from src/dashboard/dashboard-settings.repository.ts by `npm run db:queries`; do not edit.

-- ofTenant
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "settings", "updated_at"
  from "dashboard_settings"
  where "tenant_id" = $1;

-- merge
-- parameters: ["00000000-0000-0000-0000-000000000001","{\"theme\":\"dark\"}",null]
insert into "dashboard_settings" ("tenant_id", "settings", "updated_by", "updated_at")
  values ($1, $2, $3, now())
  on conflict ("tenant_id") do update
  set "settings" = "dashboard_settings"."settings" || "excluded"."settings", "updated_by" = "excluded"."updated_by", "updated_at" = now();
