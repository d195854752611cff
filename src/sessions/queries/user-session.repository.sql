-- Rendered from src/sessions/user-session.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000c1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","hash","web","password","{\"browser\":\"Firefox\",\"device_type\":\"desktop\"}",null,false,false,"10.0.0.1","curl/8","2026-01-01T00:00:00.000Z"]
insert into "user_sessions" ("id", "tenant_id", "user_id", "token_hash", "session_type", "auth_method", "device", "geo", "mfa_verified", "enrollment_only", "ip", "user_agent", "expires_at")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- byTokenHash
-- parameters: ["hash"]
select "id", "tenant_id", "user_id", "session_type", "auth_method", "device", "geo", "ip", "user_agent", "mfa_verified", "enrollment_only", "elevated_until", "created_at", "last_seen_at", "expires_at", "rotated_at", "locked_at", "locked_by", "lock_reason", "revoked_at", "revoke_reason"
  from "user_sessions"
  where "token_hash" = $1;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
select "id", "tenant_id", "user_id", "session_type", "auth_method", "device", "geo", "ip", "user_agent", "mfa_verified", "enrollment_only", "elevated_until", "created_at", "last_seen_at", "expires_at", "rotated_at", "locked_at", "locked_by", "lock_reason", "revoked_at", "revoke_reason"
  from "user_sessions"
  where "tenant_id" = $1 and "id" = $2;

-- list of a user
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1",100]
select "id", "tenant_id", "user_id", "session_type", "auth_method", "device", "geo", "ip", "user_agent", "mfa_verified", "enrollment_only", "elevated_until", "created_at", "last_seen_at", "expires_at", "rotated_at", "locked_at", "locked_by", "lock_reason", "revoked_at", "revoke_reason"
  from "user_sessions"
  where "tenant_id" = $1 and "user_id" = $2
  order by "created_at" desc, "id" desc
  limit $3;

-- list of a tenant
-- parameters: ["00000000-0000-0000-0000-000000000001",100]
select "id", "tenant_id", "user_id", "session_type", "auth_method", "device", "geo", "ip", "user_agent", "mfa_verified", "enrollment_only", "elevated_until", "created_at", "last_seen_at", "expires_at", "rotated_at", "locked_at", "locked_by", "lock_reason", "revoked_at", "revoke_reason"
  from "user_sessions"
  where "tenant_id" = $1
  order by "created_at" desc, "id" desc
  limit $2;

-- liveIdsOf
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select "id"
  from "user_sessions"
  where "tenant_id" = $1 and "user_id" = $2 and "revoked_at" is null and "expires_at" > now()
  order by "created_at" desc, "id" desc;

-- revoke
-- parameters: ["signed-out","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "revoked_at" = coalesce("revoked_at", now()), "revoke_reason" = coalesce("revoke_reason", $1)
  where "tenant_id" = $2 and "id" = $3
  returning "user_id";

-- revokeMany
-- parameters: ["session-limit","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "revoked_at" = now(), "revoke_reason" = $1
  where "tenant_id" = $2 and "id" in ($3) and "revoked_at" is null;

-- endAllOf
-- parameters: ["password-changed","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "user_sessions"
  set "revoked_at" = now(), "revoke_reason" = $1
  where "tenant_id" = $2 and "user_id" = $3 and "revoked_at" is null;

-- endAllOf but one
-- parameters: ["revoke-all","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "revoked_at" = now(), "revoke_reason" = $1
  where "tenant_id" = $2 and "user_id" = $3 and "revoked_at" is null and "id" <> $4;

-- recordSeen
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "last_seen_at" = now()
  where "tenant_id" = $1 and "id" = $2;

-- rotate
-- parameters: [true,"2026-01-01T00:15:00.000Z","hash2","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "mfa_verified" = $1, "elevated_until" = $2, "token_hash" = $3, "rotated_at" = now()
  where "tenant_id" = $4 and "id" = $5 and "revoked_at" is null and "locked_at" is null;

-- lock
-- parameters: ["00000000-0000-0000-0000-0000000000b1","suspicious","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "locked_at" = now(), "locked_by" = $1, "lock_reason" = $2
  where "tenant_id" = $3 and "id" = $4 and "revoked_at" is null
  returning "user_id";

-- unlock
-- parameters: [null,null,null,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "user_sessions"
  set "locked_at" = $1, "locked_by" = $2, "lock_reason" = $3
  where "tenant_id" = $4 and "id" = $5 and "revoked_at" is null
  returning "user_id";
