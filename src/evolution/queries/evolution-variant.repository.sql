-- Rendered from src/evolution/evolution-variant.repository.ts by `npm run db:queries`; do not edit.

-- lockTenant
-- parameters: ["evolver:00000000-0000-0000-0000-000000000001"]
select pg_advisory_xact_lock(hashtext($1)) as "locked";

-- live
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "v"."id", "v"."target", "v"."name", "v"."guidance", "v"."status", (select count(*) as "n"
  from "evolution_trials" as "t"
  where "t"."variant_id" = "v"."id") as "trials"
  from "evolution_variants" as "v"
  where "v"."tenant_id" = $1 and "v"."status" in ('testing', 'champion')
  order by "v"."target", "v"."id";

-- withStats
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "v"."id", "v"."target", "v"."name", "v"."guidance", "v"."status", "v"."rationale", "v"."reason", "v"."created_at", "v"."decided_at", count("t"."goal_id") as "trials", count("t"."outcome") as "finished", count(*) filter(where "t"."outcome" = 'succeeded') as "successes", avg("t"."tokens") filter(where "t"."outcome" is not null) as "mean_tokens", avg("t"."duration_ms") filter(where "t"."outcome" is not null) as "mean_duration_ms", avg("t"."score") filter(where "t"."outcome" is not null) as "mean_score"
  from "evolution_variants" as "v"
  left join "evolution_trials" as "t" on "t"."variant_id" = "v"."id" and "t"."tenant_id" = "v"."tenant_id"
  where "v"."tenant_id" = $1
  group by "v"."id"
  order by "v"."target", "v"."created_at";

-- withStats (one target)
-- parameters: ["00000000-0000-0000-0000-000000000001","workflow"]
select "v"."id", "v"."target", "v"."name", "v"."guidance", "v"."status", "v"."rationale", "v"."reason", "v"."created_at", "v"."decided_at", count("t"."goal_id") as "trials", count("t"."outcome") as "finished", count(*) filter(where "t"."outcome" = 'succeeded') as "successes", avg("t"."tokens") filter(where "t"."outcome" is not null) as "mean_tokens", avg("t"."duration_ms") filter(where "t"."outcome" is not null) as "mean_duration_ms", avg("t"."score") filter(where "t"."outcome" is not null) as "mean_score"
  from "evolution_variants" as "v"
  left join "evolution_trials" as "t" on "t"."variant_id" = "v"."id" and "t"."tenant_id" = "v"."tenant_id"
  where "v"."tenant_id" = $1 and "v"."target" = $2
  group by "v"."id"
  order by "v"."target", "v"."created_at";

-- anyTesting
-- parameters: ["00000000-0000-0000-0000-000000000001",1]
select 1 as "testing"
  from "evolution_variants"
  where "tenant_id" = $1 and "status" = 'testing'
  limit $2;

-- decide
-- parameters: ["more successes","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "evolution_variants"
  set "status" = 'champion', "reason" = $1, "decided_at" = now()
  where "id" = $2 and "tenant_id" = $3;

-- insertControl
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","workflow"]
insert into "evolution_variants" ("id", "tenant_id", "target", "name", "guidance", "status", "rationale")
  values ($1, $2, $3, 'control', '', 'champion', 'the baseline prompt and workflow')
  on conflict ("tenant_id", "target", "name") do nothing;

-- insertTesting
-- parameters: ["00000000-0000-0000-0000-000000000002","workflow","self-check-step","End the plan with a check.","verification failed on 3 recent goals","00000000-0000-0000-0000-000000000001"]
insert into "evolution_variants" ("id", "target", "name", "guidance", "rationale", "tenant_id", "status")
  values ($1, $2, $3, $4, $5, $6, 'testing');
