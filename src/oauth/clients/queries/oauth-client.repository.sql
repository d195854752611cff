-- Rendered from src/oauth/clients/oauth-client.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["avc_AAAAAAAAAAAAAAAAAAAAAA","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","Reporting app","confidential","hash","client_secret_basic",["https://app.example.com/callback"],[],["authorization_code","refresh_token"],["openid","profile"],false]
insert into "oauth_clients" ("client_id", "tenant_id", "owner_user_id", "name", "client_type", "secret_hash", "auth_method", "redirect_uris", "post_logout_redirect_uris", "grant_types", "scopes", "skip_consent")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  returning *;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","avc_AAAAAAAAAAAAAAAAAAAAAA"]
select *
  from "oauth_clients"
  where "tenant_id" = $1 and "client_id" = $2;

-- byClientId
-- parameters: ["avc_AAAAAAAAAAAAAAAAAAAAAA"]
select *
  from "oauth_clients"
  where "client_id" = $1;

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001",20,0]
select *
  from "oauth_clients"
  where "tenant_id" = $1
  order by "created_at" desc, "client_id" desc
  limit $2
  offset $3;

-- count
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*)::int as "count"
  from "oauth_clients"
  where "tenant_id" = $1;

-- update
-- parameters: ["Reporting",["https://app.example.com/cb"],["https://app.example.com/"],["authorization_code"],["openid"],false,"00000000-0000-0000-0000-000000000001","avc_AAAAAAAAAAAAAAAAAAAAAA",["https://app.example.com/callback"],[],["authorization_code","refresh_token"],["openid","profile"],false]
update "oauth_clients"
  set "name" = $1, "redirect_uris" = $2, "post_logout_redirect_uris" = $3, "grant_types" = $4, "scopes" = $5, "skip_consent" = $6, "updated_at" = now()
  where "tenant_id" = $7 and "client_id" = $8 and ("redirect_uris" = $9 and "post_logout_redirect_uris" = $10 and "grant_types" = $11 and "scopes" = $12 and "skip_consent" = $13)
  returning *;

-- update of the name
-- parameters: ["Reporting","00000000-0000-0000-0000-000000000001","avc_AAAAAAAAAAAAAAAAAAAAAA",["https://app.example.com/callback"],[],["authorization_code","refresh_token"],["openid","profile"],false]
update "oauth_clients"
  set "name" = $1, "updated_at" = now()
  where "tenant_id" = $2 and "client_id" = $3 and ("redirect_uris" = $4 and "post_logout_redirect_uris" = $5 and "grant_types" = $6 and "scopes" = $7 and "skip_consent" = $8)
  returning *;

-- rotateSecret
-- parameters: ["hash2","00000000-0000-0000-0000-000000000001","avc_AAAAAAAAAAAAAAAAAAAAAA"]
update "oauth_clients"
  set "secret_hash" = $1, "secret_rotated_at" = now(), "updated_at" = now()
  where "tenant_id" = $2 and "client_id" = $3 and "client_type" = 'confidential'
  returning *;

-- delete
-- parameters: ["00000000-0000-0000-0000-000000000001","avc_AAAAAAAAAAAAAAAAAAAAAA"]
delete
  from "oauth_clients"
  where "tenant_id" = $1 and "client_id" = $2;
