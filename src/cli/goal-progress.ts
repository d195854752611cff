import type { GoalEvent } from '#sdk';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** What is known of a goal while it runs, from its events. */
export class GoalProgressModel {
  status = 'queued';
  readonly tasks = new Map<string, string>();
  waitingFor?: string;

  /** Applies an event; answers a line saying what changed, or undefined. */
  apply(event: GoalEvent): string | undefined {
    const data = event.data;
    const task = typeof data.task_key === 'string' ? data.task_key : undefined;
    switch (event.type) {
      case 'goal.status':
        if (typeof data.status !== 'string' || data.status === this.status) return undefined;
        this.status = data.status;
        return `goal ${this.status}${typeof data.to === 'string' ? ` (${data.to})` : ''}`;
      case 'plan.created':
        for (const t of Array.isArray(data.tasks) ? data.tasks : [])
          if (t && typeof (t as { key?: unknown }).key === 'string')
            this.tasks.set((t as { key: string }).key, 'pending');
        return `planned ${this.tasks.size} task(s)`;
      case 'task.started':
      case 'task.retrying':
      case 'task.completed':
      case 'task.failed': {
        if (!task) return undefined;
        const state = event.type.slice('task.'.length);
        this.tasks.set(task, state);
        const error = typeof data.error === 'string' ? `: ${data.error}` : '';
        return `task ${task} ${state}${error}`;
      }
      case 'approval.required':
        this.waitingFor = String(data.action ?? 'an action');
        return `waiting for approval of ${this.waitingFor} (task ${event.task_id})`;
      case 'approval.decided':
        this.waitingFor = undefined;
        return `approval ${String(data.decision)}`;
      case 'goal.completed':
      case 'goal.failed':
      case 'goal.cancelled':
        this.status = event.type.slice('goal.'.length);
        return `goal ${this.status}`;
      default:
        return undefined;
    }
  }
}

/** Where the progress is shown: a redrawn block with a spinner on a terminal, lines elsewhere. */
export interface ProgressView {
  update(event: GoalEvent): void;
  stop(): void;
}

export function progressView(
  stream: NodeJS.WriteStream,
  goalId: string,
  model = new GoalProgressModel(),
): ProgressView {
  if (!stream.isTTY) {
    return {
      update: (event) => {
        const line = model.apply(event);
        if (line) stream.write(`${line}\n`);
      },
      stop: () => undefined,
    };
  }
  let frame = 0;
  let drawn = 0;
  const draw = () => {
    const lines = [
      `${SPINNER[frame++ % SPINNER.length]} goal ${goalId} ${model.status}${
        model.waitingFor ? ` - waiting for approval of ${model.waitingFor}` : ''
      }`,
      ...[...model.tasks].map(([key, state]) => `  ${mark(state)} ${key} ${state}`),
    ];
    // back to the block's first line, then rewrite it
    if (drawn) stream.write(`\x1b[${drawn}F`);
    stream.write(lines.map((line) => `\x1b[2K${line}\n`).join(''));
    drawn = lines.length;
  };
  const timer = setInterval(draw, 100);
  draw();
  return {
    update: (event) => {
      model.apply(event);
      draw();
    },
    stop: () => {
      clearInterval(timer);
      draw();
    },
  };
}

function mark(state: string): string {
  if (state === 'completed') return '✔';
  if (state === 'failed') return '✖';
  if (state === 'pending') return '·';
  return '›';
}
