-- Rendered from src/agents/progress-ledger.repository.ts by `npm run db:queries`; do not edit.

-- appendTurns
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","[{\"task_id\":\"00000000-0000-0000-0000-000000000003\",\"plan_version\":1,\"kind\":\"turn\",\"agent_id\":\"generalist\",\"fingerprint\":\"f\",\"satisfied\":false,\"looping\":false,\"progressing\":true,\"stalls\":0,\"next\":\"continue\",\"facts\":[],\"n\":1}]"]
insert into "progress_ledger" ("tenant_id", "goal_id", "task_id", "plan_version", "step", "kind", "agent_id", "fingerprint", "is_satisfied", "is_looping", "is_progressing", "stall_count", "next_instruction", "facts") select $1 as "tenant_id", $2 as "goal_id", "e"."task_id", "e"."plan_version", last.step + e.n as "step", 'turn' as "kind", "e"."agent_id", "e"."fingerprint", "e"."satisfied", "e"."looping", "e"."progressing", "e"."stalls", "e"."next", "e"."facts"
  from (select coalesce(max(step), 0) as "step"
  from "progress_ledger"
  where "tenant_id" = $3 and "goal_id" = $4) as "last", jsonb_to_recordset($5::jsonb) as "e"("n" integer, "task_id" uuid, "plan_version" integer, "agent_id" text, "fingerprint" text, "satisfied" boolean, "looping" boolean, "progressing" boolean, "stalls" integer, "next" text, "facts" jsonb)
  order by "e"."n";

-- appendOne
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003",1,"turn","generalist","f",false,false,true,0,"continue","[]","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
insert into "progress_ledger" ("tenant_id", "goal_id", "task_id", "plan_version", "step", "kind", "agent_id", "fingerprint", "is_satisfied", "is_looping", "is_progressing", "stall_count", "next_instruction", "facts") select $1 as "tenant_id", $2 as "goal_id", $3 as "task_id", $4 as "plan_version", coalesce(max(step), 0) + 1 as "step", $5 as "kind", $6 as "agent_id", $7 as "fingerprint", $8 as "satisfied", $9 as "looping", $10 as "progressing", $11 as "stalls", $12 as "next", $13 as "facts"
  from "progress_ledger"
  where "tenant_id" = $14 and "goal_id" = $15;

-- insertAt
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003",1,3,"turn","generalist","f",false,false,true,0,"continue","[]"]
insert into "progress_ledger" ("tenant_id", "goal_id", "task_id", "plan_version", "step", "kind", "agent_id", "fingerprint", "is_satisfied", "is_looping", "is_progressing", "stall_count", "next_instruction", "facts")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- taskFacts
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"completed","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"task","00000000-0000-0000-0000-000000000003","f","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"task",1,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
select (select count(*) as "n"
  from "tasks"
  where "tenant_id" = $1 and "goal_id" = $2 and "plan_version" = $3 and "status" <> $4) as "open", exists (select 1 as "one"
  from "progress_ledger"
  where "tenant_id" = $5 and "goal_id" = $6 and "plan_version" = $7 and "kind" = $8 and "task_id" = $9 and "fingerprint" = $10) as "looping", (select "stall_count"
  from "progress_ledger"
  where "tenant_id" = $11 and "goal_id" = $12 and "plan_version" = $13 and "kind" = $14
  order by "id" desc
  limit $15) as "last_stalls", (select coalesce(max(step), 0) as "step"
  from "progress_ledger"
  where "tenant_id" = $16 and "goal_id" = $17) as "last_step";

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","0",500]
select "id", "goal_id", "task_id", "plan_version", "step", "kind", "agent_id", "fingerprint", "is_satisfied", "is_looping", "is_progressing", "stall_count", "next_instruction", "facts", "created_at"
  from "progress_ledger"
  where "tenant_id" = $1 and "goal_id" = $2 and "id" > $3
  order by "id"
  limit $4;
