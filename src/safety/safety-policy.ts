import { findBlockedAction } from './blocked-actions';

/**
 * The safety gate's decision, as pure code: the checks run in the seed's order (recursion
 * depth, token budget, agents spawned, wall time, risk level, concurrency, blocked actions,
 * approval) with the cost budget and the tool-call cap beside the token budget.
 */
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const RISK_ORDER: readonly RiskLevel[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export const APPROVAL_CATEGORIES = [
  'deploy',
  'delete',
  'payment',
  'admin',
  'code_execution',
] as const;
export type ApprovalCategory = (typeof APPROVAL_CATEGORIES)[number];

export type SafetyCheck =
  | 'recursion_depth'
  | 'token_budget'
  | 'cost_budget'
  | 'agents_spawned'
  | 'tool_call_cap'
  | 'wall_time'
  | 'risk_level'
  | 'concurrency'
  | 'blocked_action'
  | 'approval_rejected';

export interface SafetyLimits {
  maxRecursionDepth: number;
  maxTokens: number;
  maxCostUsd: number;
  maxAgentsSpawned: number;
  maxToolCalls: number;
  maxWallMs: number;
  maxRisk: RiskLevel;
  maxConcurrency: number;
  approvalCategories: ReadonlySet<ApprovalCategory>;
  allowHosts: readonly string[];
}

export interface GoalUsage {
  tokens: number;
  costUsd: number;
  agentsSpawned: number;
  /** Tool calls so far, including the one being checked. */
  toolCalls: number;
  wallMs: number;
  /** Actions of this goal in flight, including the one being checked. */
  concurrent: number;
}

export interface SafetyAction {
  kind: 'tool_call' | 'agent_spawn';
  name: string;
  args?: unknown;
  risk: RiskLevel;
  permission?: 'READ_ONLY' | 'READ_WRITE' | 'EXECUTE' | 'ADMIN';
  requiresApproval?: boolean;
  /** Agent nesting depth: 1 for the governor's own agents. */
  depth: number;
}

export type SafetyDecision =
  | { outcome: 'allow' }
  | { outcome: 'approval'; categories: string[]; reason: string }
  | {
      outcome: 'violation' | 'blocked';
      check: SafetyCheck;
      detail: string;
      /** The goal cannot continue (a budget or limit is exhausted). */
      fatal: boolean;
    };

const CODE_TOOLS = new Set(['execute_python', 'run_command']);
const DELETE_TOOLS = new Set(['delete_file']);
const DEPLOY_RE =
  /\b(deploy\w*|kubectl\s+(apply|delete|rollout|scale)|terraform\s+(apply|destroy)|helm\s+(install|upgrade|uninstall)|git\s+push|docker\s+push|serverless\s+deploy)\b/i;
const PAYMENT_RE =
  /\b(stripe|paypal|braintree|adyen|charges?|payments?|payouts?|invoices?\/pay)\b/i;

function textOf(args: unknown): string {
  try {
    return JSON.stringify(args ?? '');
  } catch {
    return '';
  }
}

/** What kinds of sensitive action a call is (for the approval policy). */
export function actionCategories(action: SafetyAction): ApprovalCategory[] {
  const out = new Set<ApprovalCategory>();
  const text = textOf(action.args);
  if (CODE_TOOLS.has(action.name)) out.add('code_execution');
  if (DELETE_TOOLS.has(action.name)) out.add('delete');
  if (action.name === 'run_command' && /(^|[\s;&|"'/])(rm|rmdir|unlink|shred)\s/.test(text))
    out.add('delete');
  if (action.permission === 'ADMIN') out.add('admin');
  if (/deploy/i.test(action.name) || (CODE_TOOLS.has(action.name) && DEPLOY_RE.test(text)))
    out.add('deploy');
  if (/pay|charge|refund/i.test(action.name)) out.add('payment');
  if (
    (action.name === 'http_post' || action.name === 'http_request') &&
    PAYMENT_RE.test(String((action.args as { url?: unknown } | undefined)?.url ?? ''))
  )
    out.add('payment');
  if (action.name === 'http_request' && /"method":"DELETE"/i.test(text)) out.add('delete');
  return [...out];
}

export function riskAtMost(risk: RiskLevel, max: RiskLevel): boolean {
  return RISK_ORDER.indexOf(risk) <= RISK_ORDER.indexOf(max);
}

function violation(check: SafetyCheck, detail: string): SafetyDecision {
  return { outcome: 'violation', check, detail, fatal: true };
}

function blocked(check: SafetyCheck, detail: string): SafetyDecision {
  return { outcome: 'blocked', check, detail, fatal: false };
}

export function evaluateSafety(
  action: SafetyAction,
  usage: GoalUsage,
  limits: SafetyLimits,
): SafetyDecision {
  if (action.depth > limits.maxRecursionDepth)
    return violation(
      'recursion_depth',
      `agent depth ${action.depth} exceeds the limit of ${limits.maxRecursionDepth}`,
    );
  if (usage.tokens > limits.maxTokens)
    return violation(
      'token_budget',
      `the goal used ${usage.tokens} tokens, over its budget of ${limits.maxTokens}`,
    );
  if (usage.costUsd > limits.maxCostUsd)
    return violation(
      'cost_budget',
      `the goal cost $${usage.costUsd.toFixed(4)}, over its budget of $${limits.maxCostUsd}`,
    );
  if (action.kind === 'agent_spawn' && usage.agentsSpawned > limits.maxAgentsSpawned)
    return violation(
      'agents_spawned',
      `spawning agent ${usage.agentsSpawned} exceeds the limit of ${limits.maxAgentsSpawned}`,
    );
  if (action.kind === 'tool_call' && usage.toolCalls > limits.maxToolCalls)
    return violation(
      'tool_call_cap',
      `tool call ${usage.toolCalls} exceeds the limit of ${limits.maxToolCalls} per goal`,
    );
  if (usage.wallMs > limits.maxWallMs)
    return violation(
      'wall_time',
      `the goal has run ${Math.round(usage.wallMs / 1000)} s, over its limit of ${Math.round(limits.maxWallMs / 1000)} s`,
    );
  if (!riskAtMost(action.risk, limits.maxRisk))
    return blocked(
      'risk_level',
      `${action.name} is ${action.risk} risk; the maximum allowed is ${limits.maxRisk}`,
    );
  if (usage.concurrent > limits.maxConcurrency)
    return blocked(
      'concurrency',
      `${usage.concurrent} actions in flight for this goal; the limit is ${limits.maxConcurrency}`,
    );
  if (action.args !== undefined) {
    const hit = findBlockedAction(action.args, {
      allowHosts: limits.allowHosts,
      isCode: CODE_TOOLS.has(action.name),
    });
    if (hit) return blocked('blocked_action', `blocked action (${hit.rule}): ${hit.detail}`);
  }
  const needing = actionCategories(action).filter((c) => limits.approvalCategories.has(c));
  if (action.requiresApproval || needing.length) {
    const categories = action.requiresApproval ? [...needing, 'tool_policy'] : needing;
    return {
      outcome: 'approval',
      categories,
      reason: `${action.name} needs human approval (${categories.join(', ')})`,
    };
  }
  return { outcome: 'allow' };
}

/** Parses the comma-separated approval policy setting ("none" turns approvals off). */
export function parseApprovalCategories(value: string): Set<ApprovalCategory> {
  const items = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (items.length === 1 && items[0] === 'none') return new Set();
  const bad = items.filter((i) => !(APPROVAL_CATEGORIES as readonly string[]).includes(i));
  if (bad.length) throw new Error(`unknown approval categories: ${bad.join(', ')}`);
  return new Set(items as ApprovalCategory[]);
}
