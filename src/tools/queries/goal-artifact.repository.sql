-- Rendered from src/tools/goal-artifact.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000f3","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000f1","00000000-0000-0000-0000-0000000000f2","report.md","# Report"]
insert into "goal_artifacts" ("id", "tenant_id", "goal_id", "task_id", "name", "content")
  values ($1, $2, $3, $4, $5, $6);
