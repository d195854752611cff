-- Rendered from src/governor/goal.repository.ts by `npm run db:queries`; do not edit.

-- exists
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
select 1 as "one"
  from "goals"
  where "id" = $1 and "tenant_id" = $2;

-- countUsage
-- parameters: [1,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "goals"
  set "tool_calls" = "tool_calls" + $1::int
  where "id" = $2 and "tenant_id" = $3
  returning "prompt_tokens", "completion_tokens", "cost_usd", "agents_spawned", "tool_calls", "started_at", "created_at", "approval_wait_ms";

-- addApprovalWait
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "goals"
  set "approval_wait_ms" = "approval_wait_ms" + (extract(epoch
  from now() - "updated_at") * 1000)::bigint
  where "id" = $1 and "tenant_id" = $2;

-- addSafetyViolations
-- parameters: ["[{\"check\":\"blocked_action\"}]","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "goals"
  set "safety_violations" = "safety_violations" || $1::jsonb
  where "id" = $2 and "tenant_id" = $3;
