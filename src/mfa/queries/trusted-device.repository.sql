-- Rendered from src/mfa/trusted-device.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000f1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","Work laptop","hash","{\"browser\":\"Firefox\",\"device_type\":\"desktop\"}","10.0.0.1","2026-02-01T00:00:00.000Z"]
insert into "trusted_devices" ("id", "tenant_id", "user_id", "name", "token_hash", "device", "ip", "expires_at")
  values ($1, $2, $3, $4, $5, $6, $7, $8);

-- use
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","00000000-0000-0000-0000-0000000000f1","hash"]
update "trusted_devices"
  set "last_used_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "id" = $3 and "token_hash" = $4 and "revoked_at" is null and "expires_at" > now();

-- listOf
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select "id", "tenant_id", "user_id", "name", "device", "ip", "created_at", "last_used_at", "expires_at", "revoked_at"
  from "trusted_devices"
  where "tenant_id" = $1 and "user_id" = $2 and "revoked_at" is null and "expires_at" > now()
  order by "created_at" desc;

-- revoke
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","00000000-0000-0000-0000-0000000000f1"]
update "trusted_devices"
  set "revoked_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "id" = $3 and "revoked_at" is null;

-- revokeAll
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
update "trusted_devices"
  set "revoked_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "revoked_at" is null;
