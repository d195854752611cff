import {
  actionCategories,
  evaluateSafety,
  GoalUsage,
  parseApprovalCategories,
  SafetyAction,
  SafetyLimits,
} from './safety-policy';

const limits: SafetyLimits = {
  maxRecursionDepth: 10,
  maxTokens: 500_000,
  maxCostUsd: 10,
  maxAgentsSpawned: 50,
  maxToolCalls: 200,
  maxWallMs: 3_600_000,
  maxRisk: 'HIGH',
  maxConcurrency: 20,
  approvalCategories: parseApprovalCategories('deploy,delete,payment,admin,code_execution'),
  allowHosts: [],
};
const usage: GoalUsage = {
  tokens: 0,
  costUsd: 0,
  agentsSpawned: 0,
  toolCalls: 1,
  wallMs: 0,
  concurrent: 1,
};
const read: SafetyAction = {
  kind: 'tool_call',
  name: 'read_file',
  args: { path: 'a.txt' },
  risk: 'LOW',
  permission: 'READ_ONLY',
  depth: 1,
};

describe('evaluateSafety', () => {
  it('allows an ordinary call', () => {
    expect(evaluateSafety(read, usage, limits)).toEqual({ outcome: 'allow' });
  });

  it('runs the checks in the seed order: the first failing check is reported', () => {
    const everythingWrong: GoalUsage = {
      tokens: 600_000,
      costUsd: 99,
      agentsSpawned: 99,
      toolCalls: 999,
      wallMs: 9e9,
      concurrent: 99,
    };
    const action: SafetyAction = {
      ...read,
      depth: 11,
      risk: 'CRITICAL',
      args: { command: 'rm -rf /' },
    };
    const order = [];
    const l = limits;
    let u = everythingWrong;
    let a = action;
    for (let i = 0; i < 8; i++) {
      const d = evaluateSafety(a, u, l);
      if (d.outcome === 'allow' || d.outcome === 'approval') break;
      order.push(d.check);
      if (d.check === 'recursion_depth') a = { ...a, depth: 1 };
      if (d.check === 'token_budget') u = { ...u, tokens: 0 };
      if (d.check === 'cost_budget') u = { ...u, costUsd: 0 };
      if (d.check === 'tool_call_cap') u = { ...u, toolCalls: 1 };
      if (d.check === 'wall_time') u = { ...u, wallMs: 0 };
      if (d.check === 'risk_level') a = { ...a, risk: 'LOW' };
      if (d.check === 'concurrency') u = { ...u, concurrent: 1 };
      if (d.check === 'blocked_action') break;
    }
    expect(order).toEqual([
      'recursion_depth',
      'token_budget',
      'cost_budget',
      'tool_call_cap',
      'wall_time',
      'risk_level',
      'concurrency',
      'blocked_action',
    ]);
  });

  it('limits are fatal violations; risk and blocked actions are refusals', () => {
    expect(evaluateSafety(read, { ...usage, tokens: 500_001 }, limits)).toMatchObject({
      outcome: 'violation',
      check: 'token_budget',
      fatal: true,
    });
    expect(evaluateSafety({ ...read, risk: 'CRITICAL' }, usage, limits)).toMatchObject({
      outcome: 'blocked',
      check: 'risk_level',
      fatal: false,
    });
    expect(
      evaluateSafety(
        { ...read, name: 'run_command', args: { command: 'DROP DATABASE x' } },
        usage,
        limits,
      ),
    ).toMatchObject({ outcome: 'blocked', check: 'blocked_action' });
  });

  it('counts agent spawns only for spawns and tool calls only for tool calls', () => {
    const spawn: SafetyAction = { kind: 'agent_spawn', name: 'planner', risk: 'LOW', depth: 2 };
    expect(
      evaluateSafety(spawn, { ...usage, agentsSpawned: 51, toolCalls: 999 }, limits),
    ).toMatchObject({ check: 'agents_spawned' });
    expect(evaluateSafety(spawn, { ...usage, agentsSpawned: 50 }, limits)).toEqual({
      outcome: 'allow',
    });
    expect(
      evaluateSafety(read, { ...usage, agentsSpawned: 999, toolCalls: 201 }, limits),
    ).toMatchObject({ check: 'tool_call_cap' });
  });

  it('asks for approval per the policy', () => {
    expect(
      evaluateSafety(
        { ...read, name: 'execute_python', args: { code: 'print(1)' }, risk: 'HIGH' },
        usage,
        limits,
      ),
    ).toMatchObject({ outcome: 'approval', categories: ['code_execution'] });
    expect(evaluateSafety({ ...read, name: 'delete_file' }, usage, limits)).toMatchObject({
      outcome: 'approval',
      categories: ['delete'],
    });
    expect(evaluateSafety({ ...read, requiresApproval: true }, usage, limits)).toMatchObject({
      outcome: 'approval',
      categories: ['tool_policy'],
    });
    const lenient = { ...limits, approvalCategories: parseApprovalCategories('none') };
    expect(
      evaluateSafety(
        { ...read, name: 'execute_python', args: { code: 'print(1)' } },
        usage,
        lenient,
      ),
    ).toEqual({ outcome: 'allow' });
  });

  it('recognizes deploy, payment and admin actions', () => {
    expect(
      actionCategories({
        ...read,
        name: 'run_command',
        args: { command: 'kubectl apply -f x.yaml' },
      }),
    ).toEqual(['code_execution', 'deploy']);
    expect(
      actionCategories({
        ...read,
        name: 'http_post',
        args: { url: 'https://api.stripe.com/v1/charges' },
      }),
    ).toEqual(['payment']);
    expect(actionCategories({ ...read, permission: 'ADMIN' })).toEqual(['admin']);
    expect(() => parseApprovalCategories('deploy,launch')).toThrow(/launch/);
  });
});
