-- Rendered from src/webhooks/webhook-delivery.repository.ts by `npm run db:queries`; do not edit.

-- publish
-- parameters: ["evt_0","auth.logged_in","evt_0","auth.logged_in","1970-01-01T00:00:00.000Z","{\"user_id\":\"u\"}","00000000-0000-0000-0000-000000000001","ACTIVE","auth.logged_in","auth.logged_in","{\"user_id\":\"u\"}"]
insert into "webhook_deliveries" ("id", "tenant_id", "endpoint_id", "event_id", "event_type", "payload") select gen_random_uuid() as "id", "w"."tenant_id", "w"."id", $1 as "event_id", $2 as "event_type", webhook_payload($3, $4, $5::timestamptz, $6::jsonb, w.tenant_id) as "payload"
  from "webhook_endpoints" as "w"
  where "w"."tenant_id" = $7 and "w"."status" = $8 and webhook_event_matches(w.events, $9) and (w.filters IS NULL OR webhook_filters_match(w.filters, jsonb_build_object('event_type', $10::text, 'tenant_id', w.tenant_id) || $11::jsonb))
  returning "id", "endpoint_id";

-- publishTo
-- parameters: ["evt_0","auth.logged_in","evt_0","auth.logged_in","1970-01-01T00:00:00.000Z","{\"user_id\":\"u\"}","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
insert into "webhook_deliveries" ("id", "tenant_id", "endpoint_id", "event_id", "event_type", "payload") select gen_random_uuid() as "id", "w"."tenant_id", "w"."id", $1 as "event_id", $2 as "event_type", webhook_payload($3, $4, $5::timestamptz, $6::jsonb, w.tenant_id) as "payload"
  from "webhook_endpoints" as "w"
  where "w"."tenant_id" = $7 and "w"."id" = $8
  returning *;

-- claimDue
-- parameters: ["30000 milliseconds","PENDING","RETRYING","ACTIVE",50]
update "webhook_deliveries"
  set "lease_token" = gen_random_uuid(), "locked_until" = now() + $1::interval
  where "id" in (select "d"."id"
  from "webhook_deliveries" as "d"
  inner join "webhook_endpoints" as "e" on "e"."id" = "d"."endpoint_id"
  where "d"."status" in ($2, $3) and "d"."next_attempt_at" <= now() and ("d"."locked_until" is null or "d"."locked_until" < now()) and "e"."status" = $4
  order by "d"."next_attempt_at"
  limit $5 for update of "d" skip locked)
  returning "id", "tenant_id", "lease_token", "attempts";

-- start
-- parameters: ["30000 milliseconds","00000000-0000-0000-0000-0000000000d1","00000000-0000-0000-0000-0000000000f1","PENDING","RETRYING","ACTIVE"]
update "webhook_deliveries" as "d"
  set "locked_until" = now() + $1::interval
  from "webhook_endpoints" as "e"
  where "e"."id" = "d"."endpoint_id" and "d"."id" = $2 and "d"."lease_token" = $3 and "d"."status" in ($4, $5) and "e"."status" = $6
  returning "d"."id", "d"."tenant_id", "d"."endpoint_id", "d"."event_type", "d"."payload", "d"."attempts", "e"."url", "e"."sealed_secret", "e"."sealed_previous_secret", "e"."previous_secret_expires_at", "e"."standard_webhooks";

-- finish
-- parameters: ["RETRYING",1,"1970-01-01T00:00:00.000Z",null,null,500,null,null,"00000000-0000-0000-0000-0000000000d1","00000000-0000-0000-0000-0000000000f1"]
update "webhook_deliveries"
  set "status" = $1, "attempts" = "attempts" + $2, "next_attempt_at" = $3, "lease_token" = $4, "locked_until" = $5, "last_response_status" = $6, "last_error" = $7, "last_attempt_at" = now(), "delivered_at" = $8
  where "id" = $9 and "lease_token" = $10
  returning "attempts";

-- insertAttempt
-- parameters: ["00000000-0000-0000-0000-0000000000d1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000d1",1,"1970-01-01T00:00:00.000Z",12,200,"ok",null]
insert into "webhook_attempts" ("id", "tenant_id", "delivery_id", "attempt", "started_at", "duration_ms", "response_status", "response_body", "error")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  on conflict ("delivery_id", "attempt") do nothing;

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1","PENDING",20,0]
select *, count(*) OVER ()::int as "total"
  from "webhook_deliveries"
  where "tenant_id" = $1 and "endpoint_id" = $2 and "status" = $3
  order by "created_at" desc, "id" desc
  limit $4
  offset $5;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1","00000000-0000-0000-0000-0000000000d1"]
select *
  from "webhook_deliveries"
  where "tenant_id" = $1 and "endpoint_id" = $2 and "id" = $3;

-- attemptsOf
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000d1"]
select *
  from "webhook_attempts"
  where "tenant_id" = $1 and "delivery_id" = $2
  order by "attempt";

-- redeliver
-- parameters: ["00000000-0000-0000-0000-0000000000f1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1","00000000-0000-0000-0000-0000000000d1"]
insert into "webhook_deliveries" ("id", "tenant_id", "endpoint_id", "event_id", "event_type", "payload", "redelivery_of") select $1::uuid as "id", "tenant_id", "endpoint_id", "event_id", "event_type", "payload", "id" as "redelivery_of"
  from "webhook_deliveries"
  where "tenant_id" = $2 and "endpoint_id" = $3 and "id" = $4
  returning *;

-- stats
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000e1"]
select count(*)::int as "total", (count(*) FILTER (WHERE status = 'DELIVERED'))::int as "delivered", (count(*) FILTER (WHERE status = 'PENDING'))::int as "pending", (count(*) FILTER (WHERE status = 'RETRYING'))::int as "retrying", (count(*) FILTER (WHERE status = 'EXPIRED'))::int as "expired", (SELECT avg(a.duration_ms)::float8 FROM webhook_attempts a
          WHERE a.tenant_id = $1 AND a.delivery_id IN (
            SELECT id FROM webhook_deliveries WHERE endpoint_id = $2)) as "average_response_ms"
  from "webhook_deliveries"
  where "tenant_id" = $3 and "endpoint_id" = $4;

-- deleteFinishedBefore
-- parameters: ["DELIVERED","EXPIRED","1970-01-01T00:00:00.000Z",500]
delete
  from "webhook_deliveries"
  where "id" in (select "id"
  from "webhook_deliveries"
  where "status" in ($1, $2) and "created_at" < $3
  limit $4);

-- releaseClaims
-- parameters: [null,null]
update "webhook_deliveries"
  set "lease_token" = $1, "locked_until" = $2
  where "locked_until" is not null;

-- activeTenants
-- parameters: ["ACTIVE"]
select distinct "tenant_id"
  from "webhook_endpoints"
  where "status" = $1;
