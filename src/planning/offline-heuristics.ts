import type { Complexity, CriticVerdict, Intent, Plan, PlannedTask, Risk } from './schemas';

/**
 * Offline mode is honest: these heuristics stand in for the LLM when no provider is
 * configured, and every result they produce says `provider: offline`.
 */
const CAPABILITY_WORDS: Array<[RegExp, string]> = [
  [/\b(file|files|read|write|save|document|folder)\b/i, 'files'],
  [/\b(fetch|http|url|web|website|page|download|api)\b/i, 'web'],
  [/\b(python|code|script|program|compute|calculate)\b/i, 'code'],
  [/\b(analy[sz]e|compare|evaluate|assess|review)\b/i, 'analysis'],
  [/\b(research|investigate|find|search|look up)\b/i, 'research'],
  [/\b(summari[sz]e|summary|report|write up|draft|explain)\b/i, 'writing'],
  [/\b(plan|strategy|roadmap|decide|prioriti[sz]e)\b/i, 'planning'],
];

const RISK_WORDS: Array<[RegExp, Risk]> = [
  [/\b(drop database|rm -rf|wipe|destroy|production database)\b/i, 'CRITICAL'],
  [/\b(delete|remove|deploy|payment|pay|transfer|admin|execute|run code)\b/i, 'HIGH'],
  [/\b(write|modify|update|send|post|email)\b/i, 'MEDIUM'],
];

export function splitSteps(goal: string): { steps: string[]; sequential: boolean } {
  const lines = goal
    .split(/\n+/)
    .map((l) => l.replace(/^\s*(?:\d+[.)]|[-*•])\s+/, '').trim())
    .filter(Boolean);
  if (lines.length > 1)
    return { steps: lines, sequential: /^\s*\d+[.)]/m.test(goal) || /\bthen\b/i.test(goal) };
  const byThen = goal
    .split(/\s*(?:,?\s*\band then\b|;?\s*\bthen\b|;\s*finally\b|\bafter that\b)\s*/i)
    .map((s) => s.trim())
    .filter(Boolean);
  if (byThen.length > 1) return { steps: byThen, sequential: true };
  const bySemicolon = goal
    .split(/\s*;\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (bySemicolon.length > 1) return { steps: bySemicolon, sequential: false };
  const sentences = goal
    .split(/(?<=[.!?])\s+(?=[A-Z])/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (sentences.length > 1) return { steps: sentences, sequential: false };
  return { steps: [goal.trim()], sequential: true };
}

/** A goal that lists its steps (on lines of their own, or joined by "then") plainly has several. */
export function listsSeveralSteps(goal: string): boolean {
  const { steps, sequential } = splitSteps(goal);
  return steps.length > 1 && (goal.trim().includes('\n') || sequential);
}

export function analyzeIntentOffline(goal: string): Intent {
  const { steps } = splitSteps(goal);
  const words = goal.split(/\s+/).filter(Boolean).length;
  const capabilities = CAPABILITY_WORDS.filter(([re]) => re.test(goal)).map(([, c]) => c);
  let complexity: Complexity;
  if (/\b(strategy|strategic|roadmap|market|portfolio)\b/i.test(goal) || steps.length > 8)
    complexity = 'STRATEGIC';
  else if (steps.length >= 5 || words > 150) complexity = 'COMPLEX';
  else if (steps.length >= 3 || words > 60) complexity = 'MODERATE';
  else if (steps.length === 2 || words > 12) complexity = 'SIMPLE';
  else complexity = 'TRIVIAL';
  const risk = RISK_WORDS.find(([re]) => re.test(goal))?.[1] ?? 'LOW';
  const objective = goal.trim().split(/\n/)[0].slice(0, 300);
  return {
    objective,
    capabilities: capabilities.length ? capabilities : ['general'],
    complexity,
    risk,
    provider: 'offline',
  };
}

export function planOffline(
  goal: string,
  intent: Pick<Intent, 'complexity' | 'capabilities'>,
  feedback?: string,
): Plan {
  const { steps, sequential } = splitSteps(goal);
  const tasks: PlannedTask[] = steps.slice(0, 99).map((step, i) => ({
    key: `t${i + 1}`,
    title: step.length > 80 ? `${step.slice(0, 77)}...` : step,
    description: feedback ? `${step}\n\nAddress the reviewer's feedback: ${feedback}` : step,
    depends_on: sequential && i > 0 ? [`t${i}`] : [],
    capabilities: intent.capabilities,
    acceptance_criteria: `A result that addresses: ${step}`,
  }));
  if (!sequential && tasks.length > 1) {
    tasks.push({
      key: `t${tasks.length + 1}`,
      title: 'Combine the results',
      description: 'Combine the results of the previous steps into one answer.',
      depends_on: tasks.map((t) => t.key),
      capabilities: ['writing'],
      acceptance_criteria: 'One answer covering every step.',
    });
  }
  return { tasks, provider: 'offline' };
}

export function executeTaskOffline(
  task: { title: string; description: string },
  dependencyOutputs: string[],
): string {
  const context = dependencyOutputs.length
    ? ` Built on ${dependencyOutputs.length} earlier result(s).`
    : '';
  return `Offline result for "${task.title}": the step was recorded without a language model (no LLM provider is configured).${context}`;
}

export function critiqueOffline(
  tasks: Array<{ key: string; status: string; output: unknown }>,
): CriticVerdict {
  const failed = tasks
    .filter((t) => t.status !== 'completed' || !hasContent(t.output))
    .map((t) => t.key);
  const score = tasks.length ? (tasks.length - failed.length) / tasks.length : 0;
  return {
    passed: failed.length === 0 && tasks.length > 0,
    score,
    feedback: failed.length
      ? `Tasks without a usable result: ${failed.join(', ')}`
      : 'Every task produced a result.',
    failed_tasks: failed,
    provider: 'offline',
  };
}

function hasContent(output: unknown): boolean {
  if (!output || typeof output !== 'object') return false;
  const text = (output as { text?: unknown }).text;
  return typeof text === 'string' && text.trim().length > 0;
}
