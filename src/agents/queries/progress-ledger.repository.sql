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
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"completed","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"00000000-0000-0000-0000-000000000003","f","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002"]
select (select count(*) as "n"
  from "tasks"
  where "tenant_id" = $1 and "goal_id" = $2 and "plan_version" = $3 and "status" <> $4) as "open", exists (select 1 as "one"
  from "progress_ledger" as "l"
  where "l"."tenant_id" = $5 and "l"."goal_id" = $6 and "l"."plan_version" = $7 and "l"."kind" = 'task' and "l"."task_id" = $8 and "l"."fingerprint" = $9) as "looping", (select "l"."stall_count"
  from "progress_ledger" as "l"
  where "l"."tenant_id" = $10 and "l"."goal_id" = $11 and "l"."plan_version" = $12 and "l"."kind" = 'task'
  order by "l"."id" desc
  limit 1) as "last_stalls", (select coalesce(max(step), 0) as "step"
  from "progress_ledger"
  where "tenant_id" = $13 and "goal_id" = $14) as "last_step";

-- tasksDone
-- parameters: ["[]","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",1]
with "input" as (select *
  from jsonb_to_recordset($1::jsonb) as "i"("ord" int, "id" uuid, "agent_text" text, "step_offset" int, "fingerprint" text, "turns" jsonb, "turn_count" int, "loop_fact" text)), "change" as (select "id" as "task_id"
  from "tasks"), "ledger_base" as (select (select count(*)::int as "n"
  from "tasks"
  where "tenant_id" = $2 and "goal_id" = $3 and "plan_version" = $4 and "status" <> 'completed') as "open", (select "l"."stall_count"
  from "progress_ledger" as "l"
  where "l"."tenant_id" = $5 and "l"."goal_id" = $6 and "l"."plan_version" = $7 and "l"."kind" = 'task'
  order by "l"."id" desc
  limit 1) as "last_stalls", (select coalesce(max(step), 0) as "step"
  from "progress_ledger"
  where "tenant_id" = $8 and "goal_id" = $9) as "last_step"), "ledger_tasks" as (select "i".*, row_number() OVER (ORDER BY "i"."ord") as "rank", exists (select 1 as "one"
  from "progress_ledger" as "l"
  where "l"."tenant_id" = $10 and "l"."goal_id" = $11 and "l"."plan_version" = $12 and "l"."kind" = 'task' and "l"."task_id" = "i"."id" and "l"."fingerprint" = "i"."fingerprint") as "looping"
  from "input" as "i"
  inner join "change" as "c" on "c"."task_id" = "i"."id"), "ledger_rows" as (select "r".*, "b"."open" - "r"."rank" as "open_after", "b"."last_step", CASE WHEN NOT "r"."looping" THEN 0
                WHEN "r"."grp" = 0 THEN coalesce("b"."last_stalls", 0) + row_number() OVER (PARTITION BY "r"."grp" ORDER BY "r"."rank")
                ELSE row_number() OVER (PARTITION BY "r"."grp" ORDER BY "r"."rank") - 1 END as "stalls"
  from (select "t".*, sum(CASE WHEN "t"."looping" THEN 0 ELSE 1 END) OVER (ORDER BY "t"."rank") as "grp"
  from "ledger_tasks" as "t") as "r", "ledger_base" as "b"), "ledger" as (insert into "progress_ledger" ("tenant_id", "goal_id", "task_id", "plan_version", "step", "kind", "agent_id", "fingerprint", "is_satisfied", "is_looping", "is_progressing", "stall_count", "next_instruction", "facts") select $13::uuid as "tenant_id", $14::uuid as "goal_id", "x"."task_id", "x"."plan_version", "x"."step", "x"."kind", "x"."agent_id", "x"."fingerprint", "x"."satisfied", "x"."looping", "x"."progressing", "x"."stalls", "x"."next", "x"."facts"
  from (select "t"."task_id", "t"."plan_version", "r"."last_step" + "r"."step_offset" + "t"."offset" as "step", 'turn' as "kind", "t"."agent_id", "t"."fingerprint", "t"."satisfied", "t"."looping", "t"."progressing", "t"."stalls", "t"."next", "t"."facts"
  from "ledger_rows" as "r" cross join lateral jsonb_to_recordset("r"."turns") as "t"("offset" int, "task_id" uuid, "plan_version" int, "agent_id" text, "fingerprint" text, "satisfied" boolean, "looping" boolean, "progressing" boolean, "stalls" int, "next" text, "facts" jsonb) union all select "r"."id" as "task_id", $15::int as "plan_version", "r"."last_step" + "r"."step_offset" + "r"."turn_count" + 1 as "step", 'task' as "kind", "r"."agent_text" as "agent_id", "r"."fingerprint", "r"."open_after" = 0 as "satisfied", "r"."looping" as "looping", NOT "r"."looping" as "progressing", "r"."stalls"::int as "stalls", CASE WHEN "r"."open_after" = 0 THEN 'all tasks are done: verify the result with the critic'
                          ELSE "r"."open_after" || ' task(s) left: run the next ready tasks' END as "next", CASE WHEN "r"."looping" THEN jsonb_build_array("r"."loop_fact") ELSE '[]'::jsonb END as "facts"
  from "ledger_rows" as "r") as "x"
  order by "x"."step"
  returning "id") select *
  from "ledger";

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","0",500]
select "id", "goal_id", "task_id", "plan_version", "step", "kind", "agent_id", "fingerprint", "is_satisfied", "is_looping", "is_progressing", "stall_count", "next_instruction", "facts", "created_at"
  from "progress_ledger"
  where "tenant_id" = $1 and "goal_id" = $2 and "id" > $3
  order by "id"
  limit $4;
