-- Rendered from src/mfa/mfa-method.repository.ts by `npm run db:queries`; do not edit.

-- methodsOf
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select *
  from "mfa_methods"
  where "tenant_id" = $1 and "user_id" = $2
  order by "kind";

-- upsertPending
-- parameters: ["00000000-0000-0000-0000-0000000000d1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","totp","pending","v1.sealed",null,"v1.sealed",null,null,"pending"]
insert into "mfa_methods" ("id", "tenant_id", "user_id", "kind", "status", "secret_sealed", "destination")
  values ($1, $2, $3, $4, $5, $6, $7)
  on conflict ("user_id", "kind") do update
  set "secret_sealed" = $8, "destination" = $9, "created_at" = now(), "last_used_step" = $10
  where "mfa_methods"."status" = $11
  returning "id";

-- activate
-- parameters: ["active","59000000","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","totp","pending"]
update "mfa_methods"
  set "status" = $1, "confirmed_at" = now(), "last_used_at" = now(), "last_used_step" = $2
  where "tenant_id" = $3 and "user_id" = $4 and "kind" = $5 and "status" = $6;

-- useStep
-- parameters: ["59000001","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","totp","active","59000001"]
update "mfa_methods"
  set "last_used_step" = $1, "last_used_at" = now()
  where "tenant_id" = $2 and "user_id" = $3 and "kind" = $4 and "status" = $5 and ("last_used_step" is null or "last_used_step" < $6);

-- markUsed
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","sms"]
update "mfa_methods"
  set "last_used_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "kind" = $3;

-- remove
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","sms"]
delete
  from "mfa_methods"
  where "tenant_id" = $1 and "user_id" = $2 and "kind" = $3;

-- removeAll
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
delete
  from "mfa_methods"
  where "tenant_id" = $1 and "user_id" = $2;

-- removeBackupCodes
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
delete
  from "mfa_backup_codes"
  where "tenant_id" = $1 and "user_id" = $2;

-- insertBackupCodes
-- parameters: ["00000000-0000-0000-0000-0000000000d1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","hash"]
insert into "mfa_backup_codes" ("id", "tenant_id", "user_id", "code_hash")
  values ($1, $2, $3, $4);

-- useBackupCode
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","hash"]
update "mfa_backup_codes"
  set "used_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "code_hash" = $3 and "used_at" is null;

-- backupCodesLeft
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select count(*) as "count"
  from "mfa_backup_codes"
  where "tenant_id" = $1 and "user_id" = $2 and "used_at" is null;
