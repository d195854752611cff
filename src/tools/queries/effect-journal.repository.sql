-- Rendered from src/tools/effect-journal.repository.ts by `npm run db:queries`; do not edit.

-- resultOf
-- parameters: ["00000000-0000-0000-0000-000000000001","task:1:abc"]
select "result"
  from "effect_journal"
  where "tenant_id" = $1 and "idempotency_key" = $2;

-- deleteOfEndedGoals
-- parameters: [30]
delete
  from "effect_journal" as "j" using "goals" as "g"
  where "j"."goal_id" = "g"."id" and "g"."status" in ('completed', 'failed', 'cancelled') and "g"."completed_at" < now() - make_interval(days => $1);

-- insert
-- parameters: ["00000000-0000-0000-0000-000000000001","task:1:abc","00000000-0000-0000-0000-0000000000f1","00000000-0000-0000-0000-0000000000f2","save_artifact","{\"ok\":true}"]
insert into "effect_journal" ("tenant_id", "idempotency_key", "goal_id", "task_id", "tool", "result")
  values ($1, $2, $3, $4, $5, $6)
  on conflict ("tenant_id", "idempotency_key") do nothing;
