-- Rendered from src/agents/agent-bid.repository.ts by `npm run db:queries`; do not edit.

-- insertMany
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","[{\"task_id\":\"00000000-0000-0000-0000-000000000003\",\"agent_id\":\"00000000-0000-0000-0000-000000000004\",\"expected_quality\":0.8,\"cost_tokens\":1200,\"time_ms\":4000,\"value\":0.6,\"awarded\":true}]"]
insert into "agent_bids" ("tenant_id", "goal_id", "task_id", "agent_id", "expected_quality", "cost_tokens", "time_ms", "value", "awarded") select $1 as "tenant_id", $2 as "goal_id", "b"."task_id", "b"."agent_id", "b"."expected_quality", "b"."cost_tokens", "b"."time_ms", "b"."value", "b"."awarded"
  from jsonb_to_recordset($3::jsonb) as b(task_id uuid, agent_id uuid, expected_quality real, cost_tokens integer,
                time_ms integer, value real, awarded boolean);
