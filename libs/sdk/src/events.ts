import WebSocket from 'ws';
import { ApiError, apiError } from './errors.js';

/** One event of a goal's log, as the WebSocket delivers it. */
export interface GoalEvent {
  /** Event id: resume after it with `lastEventId`. */
  id: number;
  /** `goal.created`, `task.started`, `task.completed`, `approval.required`, `goal.completed`, ... */
  type: string;
  goal_id: string;
  task_id: string | null;
  /** Position in the goal's log. */
  seq: number;
  created_at: string;
  /** The event's own fields. */
  data: Record<string, unknown>;
}

/** The events after which a goal does nothing more. */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set([
  'goal.completed',
  'goal.failed',
  'goal.cancelled',
]);

export interface GoalEventsOptions {
  /** Resume after this event id (0 or absent: from the start of the log). */
  lastEventId?: number;
  /** End after the goal's terminal event (default true); false follows until aborted. */
  untilDone?: boolean;
  /** Reconnections in a row before giving up (default 5); each resumes from the last id. */
  maxReconnects?: number;
  reconnectDelayMs?: number;
  signal?: AbortSignal;
}

/** How to open the socket: the URL and the credentials' headers. */
export type SocketOpener = () => Promise<{ url: string; headers: Record<string, string> }>;

type Item = { event: GoalEvent } | { closed: { code: number; reason: string } } | { error: Error };

/**
 * A goal's events over the WebSocket at /ws, for `for await`: it subscribes with the last
 * event id it has seen, so a dropped connection is taken up again without losing or
 * repeating an event, and ends after the goal's terminal event.
 */
export async function* goalEvents(
  open: SocketOpener,
  goalId: string,
  options: GoalEventsOptions = {},
): AsyncGenerator<GoalEvent, void, undefined> {
  let lastId = options.lastEventId ?? 0;
  let reconnects = 0;
  const maxReconnects = options.maxReconnects ?? 5;
  while (!options.signal?.aborted) {
    const { url, headers } = await open();
    const socket = new WebSocket(url, { headers });
    const queue: Item[] = [];
    let wake: (() => void) | undefined;
    const push = (item: Item) => {
      queue.push(item);
      wake?.();
    };
    const abort = () => socket.close(1000, 'aborted');
    options.signal?.addEventListener('abort', abort, { once: true });
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          event: 'subscribe',
          data: { goal_id: goalId, ...(lastId ? { last_event_id: lastId } : {}) },
          id: 'subscribe',
        }),
      ),
    );
    socket.on('message', (raw) => {
      const envelope = JSON.parse(String(raw)) as {
        event: string;
        data?: Record<string, unknown>;
        id?: string | number;
      };
      if (envelope.event === 'error' && envelope.data?.for === 'subscribe') {
        push({ error: apiError(Number(envelope.data.status), envelope.data) });
      } else if (typeof envelope.id === 'number' && envelope.data?.goal_id === goalId) {
        push({ event: toGoalEvent(envelope.event, envelope.id, envelope.data) });
      }
    });
    socket.on('unexpected-response', (_request, response) =>
      push({ error: apiError(response.statusCode ?? 500, undefined) }),
    );
    socket.on('error', (error) => push({ error }));
    socket.on('close', (code, reason) => push({ closed: { code, reason: String(reason) } }));
    try {
      for (;;) {
        if (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const item = queue.shift()!;
        if ('event' in item) {
          if (item.event.id <= lastId) continue; // replayed after a resume: already seen
          lastId = item.event.id;
          reconnects = 0;
          yield item.event;
          if (options.untilDone !== false && TERMINAL_EVENTS.has(item.event.type)) return;
        } else if ('error' in item) {
          if (item.error instanceof ApiError) throw item.error;
          // a transport error: the close that follows decides
        } else {
          if (options.signal?.aborted) return;
          if (item.closed.code === 4401) throw apiError(401, undefined);
          break;
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.terminate();
    }
    if (++reconnects > maxReconnects)
      throw new Error(`the event stream of goal ${goalId} closed ${reconnects} times in a row`);
    await new Promise((resolve) => setTimeout(resolve, options.reconnectDelayMs ?? 500));
  }
}

function toGoalEvent(type: string, id: number, data: Record<string, unknown>): GoalEvent {
  const { goal_id, task_id, seq, created_at, ...rest } = data;
  return {
    id,
    type,
    goal_id: String(goal_id),
    task_id: typeof task_id === 'string' ? task_id : null,
    seq: Number(seq),
    created_at: String(created_at),
    data: rest,
  };
}
