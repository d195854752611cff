import { problem, ProblemDocument, problemFromDomainError } from '#common';
import type { GoalEventRecord } from '../events/domain-events';
import type { TaskOutputDelta } from '../events/live-output';
import {
  exceedsJsonDepth,
  findUnsafeText,
  jsonTooDeep,
  unsafeText,
  unsafeTextReason,
} from '../http/input-safety';

/** Close codes the gateway uses (4000-4999 are application codes). */
export const CLOSE_CODES = {
  /** The client did not read fast enough: its send buffer or backlog exceeded the limit. */
  SLOW_CONSUMER: 4008,
  /** The authentication hook refused the connection. */
  UNAUTHORIZED: 4401,
  /** The server is shutting down; reconnect with your last event id. */
  GOING_AWAY: 1001,
} as const;

/** Client → server and server → client messages are JSON envelopes `{event, data, id}`. */
export interface Envelope {
  event: string;
  data?: unknown;
  id?: string | number;
}

export const CLIENT_EVENTS = [
  'subscribe',
  'unsubscribe',
  'goal.submit',
  'goal.cancel',
  'task.approve',
  'ping',
] as const;
export type ClientEvent = (typeof CLIENT_EVENTS)[number];

/** Parses one client message; a string names what is wrong with it. */
export function parseEnvelope(raw: string): Envelope | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'message is not valid JSON';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return 'message must be a JSON object {event, data, id}';
  const { event, data, id } = value as Record<string, unknown>;
  if (typeof event !== 'string' || !event) return 'event must be a non-empty string';
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number')
    return 'id must be a string or a number';
  if (typeof id === 'string' && id.length > 128) return 'id must be at most 128 characters';
  if (typeof id === 'number' && !Number.isFinite(id)) return 'id must be a finite number';
  const eventProblem = unsafeTextReason(event);
  if (eventProblem) return `event ${eventProblem}`;
  const idProblem = typeof id === 'string' ? unsafeTextReason(id) : undefined;
  if (idProblem) return `id ${idProblem}`;
  return { event, data, id: id as string | number | undefined };
}

export type ClientMessage =
  | { ok: true; envelope: Envelope & { event: ClientEvent } }
  | { ok: false; envelope?: Envelope; problem: ProblemDocument };

/**
 * A client message checked before anything acts on it: nesting no deeper than `maxDepth`
 * (scanned on the raw text, before parsing), a well-formed envelope, a known event, and no
 * NUL or lone surrogate in any string or key of its data. A refusal names the field and
 * keeps the connection open.
 */
export function parseClientMessage(raw: string, maxDepth: number): ClientMessage {
  if (exceedsJsonDepth(raw, maxDepth))
    return {
      ok: false,
      problem: problemFromDomainError(jsonTooDeep('message', maxDepth), '/ws'),
    };
  const envelope = parseEnvelope(raw);
  if (typeof envelope === 'string')
    return { ok: false, problem: problem(400, 'bad-message', 'Bad message', envelope) };
  if (!(CLIENT_EVENTS as readonly string[]).includes(envelope.event))
    return {
      ok: false,
      envelope,
      problem: {
        ...problem(
          400,
          'unknown-event',
          'Unknown event',
          `Unknown event "${envelope.event}"; use one of ${CLIENT_EVENTS.join(', ')}.`,
        ),
        errors: [{ field: 'event', message: `must be one of ${CLIENT_EVENTS.join(', ')}` }],
      },
    };
  const unsafe = findUnsafeText(envelope.data, '', 'data');
  if (unsafe)
    return { ok: false, envelope, problem: problemFromDomainError(unsafeText(unsafe), '/ws') };
  return { ok: true, envelope: envelope as Envelope & { event: ClientEvent } };
}

export interface SubscribeRequest {
  goalId?: string;
  tenant: boolean;
  lastEventId?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{goal_id, last_event_id?}` or `{scope: "tenant", last_event_id?}`; a string names the bad field. */
export function parseSubscribe(
  data: unknown,
): SubscribeRequest | { field: string; message: string } {
  if (!data || typeof data !== 'object') return { field: 'data', message: 'must be an object' };
  const { goal_id, scope, last_event_id } = data as Record<string, unknown>;
  if (
    last_event_id !== undefined &&
    (!Number.isSafeInteger(last_event_id) || (last_event_id as number) < 0)
  )
    return { field: 'last_event_id', message: 'must be a non-negative integer' };
  if (scope !== undefined && scope !== 'tenant' && scope !== 'goal')
    return { field: 'scope', message: 'must be "tenant" or "goal"' };
  if (scope === 'tenant') {
    if (goal_id !== undefined)
      return { field: 'goal_id', message: 'must be omitted with scope "tenant"' };
    return { tenant: true, lastEventId: last_event_id as number | undefined };
  }
  if (typeof goal_id !== 'string' || !UUID.test(goal_id))
    return { field: 'goal_id', message: 'must be a UUID (or use scope "tenant")' };
  return {
    tenant: false,
    goalId: goal_id.toLowerCase(),
    lastEventId: last_event_id as number | undefined,
  };
}

/** The wire shape of a goal event: the event type, its payload with ids, and the resume id. */
/**
 * A running task's output delta: no `id` (it is not in the event log and not replayed),
 * which is how a client tells it from goal events.
 */
export function deltaEnvelope(delta: TaskOutputDelta): string {
  return JSON.stringify({
    event: 'task.output.delta',
    data: {
      goal_id: delta.goal_id,
      task_id: delta.task_id,
      task_key: delta.task_key,
      turn: delta.turn,
      offset: delta.offset,
      text: delta.text,
    },
  });
}

export function eventEnvelope(event: GoalEventRecord): string {
  return JSON.stringify({
    event: event.type,
    data: {
      goal_id: event.goal_id,
      task_id: event.task_id,
      seq: event.seq,
      created_at: event.created_at,
      ...(event.data as object),
    },
    id: event.id,
  });
}
