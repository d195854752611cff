import type { GoalEventRecord } from '../events/domain-events';

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
  return { event, data, id: id as string | number | undefined };
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
