-- Rendered from src/oauth-tokens/oauth-artifact.repository.ts by `npm run db:queries`; do not edit.

-- upsert
-- parameters: ["AuthorizationCode","code-id","00000000-0000-4000-8000-000000000001","grant-id",null,null,"{\"kind\":\"AuthorizationCode\",\"jti\":\"code-id\"}","2026-01-01T00:00:00.000Z"]
insert into "oauth_artifacts" ("model", "id", "tenant_id", "grant_id", "uid", "user_code", "payload", "expires_at")
  values ($1, $2, $3, $4, $5, $6, $7, $8)
  on conflict ("model", "id") do update
  set "tenant_id" = "excluded"."tenant_id", "grant_id" = "excluded"."grant_id", "uid" = "excluded"."uid", "user_code" = "excluded"."user_code", "payload" = "excluded"."payload", "expires_at" = "excluded"."expires_at";

-- find
-- parameters: ["AccessToken","jti"]
select "payload", "consumed_at"
  from "oauth_artifacts"
  where "model" = $1 and "id" = $2 and ("expires_at" is null or "expires_at" > now());

-- findByUid
-- parameters: ["Session","uid"]
select "payload", "consumed_at"
  from "oauth_artifacts"
  where "model" = $1 and "uid" = $2 and ("expires_at" is null or "expires_at" > now());

-- findByUserCode
-- parameters: ["DeviceCode","ABCD-EFGH"]
select "payload", "consumed_at"
  from "oauth_artifacts"
  where "model" = $1 and "user_code" = $2 and ("expires_at" is null or "expires_at" > now());

-- consume
-- parameters: ["RefreshToken","id"]
update "oauth_artifacts"
  set "consumed_at" = now()
  where "model" = $1 and "id" = $2 and "consumed_at" is null
  returning "grant_id";

-- destroy
-- parameters: ["AccessToken","jti"]
delete
  from "oauth_artifacts"
  where "model" = $1 and "id" = $2
  returning "grant_id";

-- revokeGrant
-- parameters: ["grant-id","Grant","grant-id"]
delete
  from "oauth_artifacts"
  where ("grant_id" = $1 or ("model" = $2 and "id" = $3));

-- revokeClient
-- parameters: ["avc_client"]
delete
  from "oauth_artifacts"
  where payload->>'clientId' = $1;

-- liveToken
-- parameters: ["AccessToken","ClientCredentials","jti"]
select "grant_id", "expires_at"
  from "oauth_artifacts"
  where "model" in ($1, $2) and "id" = $3 and "expires_at" > now();

-- deleteExpired
-- parameters: [1000]
delete
  from "oauth_artifacts"
  where "expires_at" < now() and ctid in (select ctid as "ctid"
  from "oauth_artifacts"
  where "expires_at" < now()
  limit $1);
