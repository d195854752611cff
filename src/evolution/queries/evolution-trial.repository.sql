-- Rendered from src/evolution/evolution-trial.repository.ts by `npm run db:queries`; do not edit.

-- variantsOfGoal
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000003"]
select "variant_id"
  from "evolution_trials"
  where "tenant_id" = $1 and "goal_id" = $2;

-- insert
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003"]
insert into "evolution_trials" ("tenant_id", "variant_id", "goal_id")
  values ($1, $2, $3)
  on conflict do nothing;

-- finish
-- parameters: ["succeeded","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000003"]
update "evolution_trials" as "t"
  set "outcome" = $1, "finished_at" = now(), "score" = (g.result->'verdict'->>'score')::real, "tokens" = g.prompt_tokens + g.completion_tokens, "duration_ms" = (extract(epoch FROM (coalesce(g.completed_at, now()) - coalesce(g.started_at, g.created_at))) * 1000)::bigint
  from "goals" as "g"
  where "g"."id" = "t"."goal_id" and "g"."tenant_id" = "t"."tenant_id" and "t"."tenant_id" = $2 and "t"."goal_id" = $3 and "t"."outcome" is null;
