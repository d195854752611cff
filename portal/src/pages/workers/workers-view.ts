/** How the worker registry reads. Pure functions. */

export interface WorkerLoad {
  running: number;
  concurrency: number;
  tasks_running?: number;
  task_concurrency?: number;
}

const STATUS_CLASSES: Record<string, string> = {
  IDLE: 's-worker-idle',
  BUSY: 's-busy',
  DRAINING: 's-draining',
  OFFLINE: 's-offline',
};

/** The badge class of a status (IDLE, BUSY, DRAINING, OFFLINE). */
export function statusClass(status: string): string {
  return STATUS_CLASSES[status] ?? 's-offline';
}

/** "running/concurrency", e.g. "3/200". */
export function loadText(load: WorkerLoad): string {
  return `${load.running}/${load.concurrency}`;
}

/** Task jobs (tasks of goals other workers drive): "tasks 2/20". */
export function taskLoadText(load: Pick<WorkerLoad, 'tasks_running' | 'task_concurrency'>): string {
  return `tasks ${load.tasks_running || 0}/${load.task_concurrency || 0}`;
}

/** Goal jobs, and task jobs after a "+" when there were any: "12", "12 + 40 tasks". */
export function jobCountText(goals: number, tasks: number | undefined): string {
  return tasks ? `${goals} + ${tasks} tasks` : String(goals);
}

/** The share of its slots a worker uses, 0..100. */
export function loadPercent(load: WorkerLoad): number {
  if (!load.concurrency) return 0;
  return Math.min(100, Math.round((load.running / load.concurrency) * 100));
}

/** A heartbeat's age: "0.3 s", "12 s", "4 min", "2 h". */
export function ageText(ms: number): string {
  if (ms < 10000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  if (ms < 120000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7200000) return `${Math.round(ms / 60000)} min`;
  return `${Math.round(ms / 3600000)} h`;
}

/** Declared capabilities first, then the probed ones (code, llm:…), as the API lists them. */
export function capabilityText(capabilities: string[]): string {
  return capabilities.length ? capabilities.join(', ') : '–';
}
