-- Rendered from src/sso/sso-provider.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-4000-8000-000000000002","00000000-0000-4000-8000-000000000001","Okta","okta","oidc","{\"issuer\":\"https://acme.okta.com\"}","v1.iv.ciphertext.tag"]
insert into "sso_providers" ("id", "tenant_id", "name", "template", "protocol", "settings", "sealed_secrets")
  values ($1, $2, $3, $4, $5, $6, $7)
  returning *;

-- byId
-- parameters: ["00000000-0000-4000-8000-000000000002"]
select *
  from "sso_providers"
  where "id" = $1;

-- inTenant
-- parameters: ["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002"]
select *
  from "sso_providers"
  where "tenant_id" = $1 and "id" = $2;

-- list
-- parameters: ["00000000-0000-4000-8000-000000000001"]
select *
  from "sso_providers"
  where "tenant_id" = $1
  order by "created_at", "id";

-- update
-- parameters: [false,"00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002"]
update "sso_providers"
  set "enabled" = $1, "updated_at" = now()
  where "tenant_id" = $2 and "id" = $3
  returning *;

-- delete
-- parameters: ["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002"]
delete
  from "sso_providers"
  where "tenant_id" = $1 and "id" = $2;
