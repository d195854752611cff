import type { LiveOutput } from '../events/live-output';
import { OutputCoalescer } from '../events/output-coalescer';
import type { TextStreamSink } from '../llm/llm.service';

/** At most this many deltas a second per task reach the goal's WebSocket clients. */
const DELTA_INTERVAL_MS = 200;

export interface LiveTaskTurn {
  tenantId: string;
  goalId: string;
  taskId: string;
  taskKey: string;
  turn: number;
}

/** The sink of one model turn of a task: its text, coalesced, as `task.output.delta`s. */
export class LiveTaskOutput implements TextStreamSink {
  private readonly coalescer: OutputCoalescer;

  constructor(live: LiveOutput, turn: LiveTaskTurn) {
    this.coalescer = new OutputCoalescer({
      intervalMs: DELTA_INTERVAL_MS,
      emit: ({ offset, text }) =>
        live.publish({
          tenant_id: turn.tenantId,
          goal_id: turn.goalId,
          task_id: turn.taskId,
          task_key: turn.taskKey,
          turn: turn.turn,
          offset,
          text,
        }),
    });
  }

  text(piece: string): void {
    this.coalescer.push(piece);
  }

  restart(): void {
    this.coalescer.restart();
  }

  /** Sends what is left; called before the task's result is stored. */
  finish(): void {
    this.coalescer.finish();
  }
}
