-- Rendered from src/sso/sso-login-state.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["hash","00000000-0000-4000-8000-000000000002","00000000-0000-4000-8000-000000000001","{\"nonce\":\"n\"}","2026-01-01T00:10:00.000Z"]
insert into "sso_login_states" ("state_hash", "provider_id", "tenant_id", "payload", "expires_at")
  values ($1, $2, $3, $4, $5);

-- take
-- parameters: ["hash","00000000-0000-4000-8000-000000000002"]
delete
  from "sso_login_states"
  where "state_hash" = $1 and "provider_id" = $2
  returning "payload", "expires_at";

-- takeAny
-- parameters: ["hash"]
delete
  from "sso_login_states"
  where "state_hash" = $1
  returning "provider_id", "tenant_id", "payload", "expires_at";

-- deleteExpired
-- parameters: []
delete
  from "sso_login_states"
  where "expires_at" < now();
