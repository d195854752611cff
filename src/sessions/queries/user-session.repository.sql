-- Rendered from src/sessions/user-session.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000c1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","hash","10.0.0.1","curl/8","2026-01-01T00:00:00.000Z"]
insert into "user_sessions" ("id", "tenant_id", "user_id", "token_hash", "ip", "user_agent", "expires_at")
  values ($1, $2, $3, $4, $5, $6, $7);

-- byTokenHash
-- parameters: ["hash"]
select "id", "tenant_id", "user_id", "expires_at", "revoked_at"
  from "user_sessions"
  where "token_hash" = $1;

-- revoke
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "revoked_at" = coalesce("revoked_at", now())
  where "tenant_id" = $1 and "id" = $2
  returning "user_id";

-- endAllOf
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "user_sessions"
  set "revoked_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "revoked_at" is null;

-- endAllOf but one
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "revoked_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "revoked_at" is null and "id" <> $3;

-- recordSeen
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "last_seen_at" = now()
  where "tenant_id" = $1 and "id" = $2;
