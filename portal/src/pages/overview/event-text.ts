export const LEVELS = { debug: 0, info: 1, warn: 2, error: 3 } as const;
export type Level = keyof typeof LEVELS;

/** How loud an event is: failures are errors, retries and approvals warnings, tool chatter debug. */
export function levelOf(type: string): Level {
  if (/failed$|^safety\./.test(type)) return 'error';
  if (/retrying|replanning|cancelled|approval\.required/.test(type)) return 'warn';
  if (/^tool\.|progress$/.test(type)) return 'debug';
  return 'info';
}

/** An event's data in a line. */
export function describe(event: string, d: Record<string, unknown>): string {
  const s = (v: unknown) => String(v ?? '');
  switch (event) {
    case 'goal.status':
      return `${s(d.from) || '∅'} → ${s(d.to)}`;
    case 'agent.assigned':
      return `${s(d.task_key)} → ${s(d.agent_kind)} ${s(d.agent_id)}`;
    case 'task.started':
    case 'task.completed':
      return `${s(d.task_key)} attempt ${s(d.attempt)}`;
    case 'task.failed':
    case 'task.retrying':
      return `${s(d.task_key)}: ${s(d.error)}`;
    case 'task.progress':
      return `${s(d.task_key)}: ${s(d.message)}`;
    case 'goal.completed':
      return d.summary ? s(d.summary).slice(0, 160) : `done in ${s(d.duration_ms)} ms`;
    case 'goal.failed':
      return Array.isArray(d.reasons) ? d.reasons.join('; ') : '';
    case 'goal.intent':
      return `${s(d.complexity)} · risk ${s(d.risk)} · ${s(d.provider)}`;
    case 'critic.verdict':
      return `${d.passed ? 'passed' : 'rejected'} · score ${s(d.score)}`;
    case 'goal.created':
      return s(d.title);
    case 'plan.created':
      return `plan v${s(d.plan_version)}: ${Array.isArray(d.tasks) ? d.tasks.length : 0} tasks`;
    default:
      return JSON.stringify(d).slice(0, 160);
  }
}
