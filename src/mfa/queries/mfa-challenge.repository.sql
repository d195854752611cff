-- Rendered from src/mfa/mfa-challenge.repository.ts by `npm run db:queries`; do not edit.

-- insertChallenge
-- parameters: ["00000000-0000-0000-0000-0000000000e1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","hash","10.0.0.1","curl/8","2026-01-01T00:10:00.000Z"]
insert into "mfa_challenges" ("id", "tenant_id", "user_id", "token_hash", "ip", "user_agent", "expires_at")
  values ($1, $2, $3, $4, $5, $6, $7);

-- challengeByTokenHash
-- parameters: ["hash"]
select *
  from "mfa_challenges"
  where "token_hash" = $1;

-- failChallenge
-- parameters: [1,4,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
update "mfa_challenges"
  set "failures" = "failures" + $1, "locked_at" = case when "failures" >= $2 then coalesce("locked_at", now()) else "locked_at" end
  where "tenant_id" = $3 and "id" = $4
  returning "failures", "locked_at";

-- completeChallenge
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
update "mfa_challenges"
  set "completed_at" = now()
  where "tenant_id" = $1 and "id" = $2 and "completed_at" is null and "locked_at" is null and "expires_at" > now();

-- insertCode
-- parameters: ["00000000-0000-0000-0000-0000000000e1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","sms","login","00000000-0000-0000-0000-0000000000e1","hash","+15550100","2026-01-01T00:10:00.000Z"]
insert into "mfa_codes" ("id", "tenant_id", "user_id", "channel", "purpose", "challenge_id", "code_hash", "destination", "expires_at")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- recordDelivery
-- parameters: ["sent",null,"msg-1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
update "mfa_codes"
  set "delivery_status" = $1, "delivery_error" = $2, "provider_message_id" = $3
  where "tenant_id" = $4 and "id" = $5;

-- codesSentSince
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","sms","2026-01-01T00:10:00.000Z"]
select count(*) as "count"
  from "mfa_codes"
  where "tenant_id" = $1 and "user_id" = $2 and "channel" = $3 and "created_at" > $4;

-- useCode
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1","sms","login","hash","00000000-0000-0000-0000-0000000000e1"]
update "mfa_codes"
  set "used_at" = now()
  where "tenant_id" = $1 and "user_id" = $2 and "channel" = $3 and "purpose" = $4 and "code_hash" = $5 and "used_at" is null and "expires_at" > now() and "challenge_id" = $6
  returning "destination";

-- lockoutOf
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
select *
  from "mfa_lockouts"
  where "tenant_id" = $1 and "user_id" = $2;

-- recordFailure
-- parameters: ["00000000-0000-0000-0000-0000000000b1","00000000-0000-0000-0000-000000000001",1,null,1,1,5,"2026-01-01T00:10:00.000Z"]
insert into "mfa_lockouts" ("user_id", "tenant_id", "failures", "locked_until")
  values ($1, $2, $3, $4)
  on conflict ("user_id") do update
  set "failures" = case when "mfa_lockouts"."locked_until" <= now() then 1 else "mfa_lockouts"."failures" + $5 end, "locked_until" = case when case when "mfa_lockouts"."locked_until" <= now() then 1 else "mfa_lockouts"."failures" + $6 end >= $7 then $8 when "mfa_lockouts"."locked_until" <= now() then null else "mfa_lockouts"."locked_until" end, "updated_at" = now()
  returning "failures", "locked_until";

-- clearFailures
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000b1"]
delete
  from "mfa_lockouts"
  where "tenant_id" = $1 and "user_id" = $2;
