/**
 * Which database failures heal by themselves (the server restarts, a deadlock victim, a
 * full pool) and whether the failed work may simply be run again.
 *
 * - `not-applied`: the work certainly did not take effect (never sent, or rolled back by
 *   the server): safe to run again.
 * - `connection-lost`: the connection broke while the work was in flight. Inside a
 *   transaction that had not yet committed, the server rolled it back; for a statement on
 *   its own, or a COMMIT, the outcome is unknown and only an idempotent caller may retry.
 */
export type TransientKind = 'not-applied' | 'connection-lost';

/** SQLSTATEs whose work the server rolled back or never started. */
const NOT_APPLIED_CODES = new Set([
  '40P01', // deadlock detected
  '40001', // serialization failure
  '57P03', // cannot connect now (starting up, recovering, shutting down)
  '53300', // too many connections
  '08001', // unable to establish connection
  '08004', // connection rejected
]);

/** SQLSTATEs that end the session under the work. */
const CONNECTION_LOST_CODES = new Set([
  '57P01', // admin shutdown (also an immediate stop)
  '57P02', // crash shutdown (another backend crashed)
  '08000', // connection exception
  '08003', // connection does not exist
  '08006', // connection failure
  '08007', // transaction resolution unknown (see CommitOutcomeUnknown)
]);

/** Socket errors before anything was sent. */
const NOT_SENT_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** Socket errors that cut a live connection. */
const CUT_ERRNOS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

const NOT_SENT_MESSAGES = [
  'timeout exceeded when trying to connect', // pg pool: no connection within connectionTimeoutMillis
  'connection terminated due to connection timeout',
  'the database system is starting up',
  'the database system is in recovery mode',
  'the database system is shutting down',
  // a prepared statement's plan went stale inside a transaction (a migration changed the
  // table, or a pooler reset the session): the driver runs it unprepared from then on
  'cached plan must not change result type',
];

const CUT_MESSAGES = [
  'connection terminated unexpectedly',
  'connection terminated',
  'client has encountered a connection error and is not queryable',
  'terminating connection',
  'server closed the connection unexpectedly',
];

/** The kind of a transient database failure, or undefined for any other error. */
export function transientKindOf(error: unknown): TransientKind | undefined {
  for (const e of causes(error)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && NOT_APPLIED_CODES.has(code)) return 'not-applied';
    if (code && CONNECTION_LOST_CODES.has(code)) return 'connection-lost';
    if (code && NOT_SENT_ERRNOS.has(code)) return 'not-applied';
    if (code && CUT_ERRNOS.has(code)) return 'connection-lost';
    const message = typeof e.message === 'string' ? e.message.toLowerCase() : '';
    if (NOT_SENT_MESSAGES.some((m) => message.includes(m))) return 'not-applied';
    if (CUT_MESSAGES.some((m) => message.includes(m))) return 'connection-lost';
  }
  return undefined;
}

export function isTransientDbError(error: unknown): boolean {
  return transientKindOf(error) !== undefined;
}

/**
 * A COMMIT whose answer was lost with the connection: the transaction may or may not have
 * committed. Transient, but only work that finds what it already did may run again.
 */
export class CommitOutcomeUnknown extends Error {
  readonly code = '08007'; // transaction resolution unknown
  constructor(cause: unknown) {
    super(`the database connection was lost during COMMIT: ${(cause as Error)?.message}`, {
      cause,
    });
    this.name = 'CommitOutcomeUnknown';
  }
}

/**
 * The error, what TypeORM wrapped (driverError) and the attempts of a connect to several
 * addresses (AggregateError). Generic `cause` chains are not followed: an HTTP client's
 * refused connection (a model server away) is not a database fault.
 */
function causes(error: unknown): Array<{ code?: unknown; message?: unknown }> {
  const out: Array<{ code?: unknown; message?: unknown }> = [];
  const queue: unknown[] = [error];
  while (queue.length && out.length < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    const record = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      errors?: unknown;
    };
    out.push(record);
    queue.push(record.driverError);
    if (Array.isArray(record.errors)) queue.push(...record.errors);
  }
  return out;
}

/** A bounded label for metrics: what kind of fault a transient error is. */
export function faultLabelOf(error: unknown): string {
  for (const e of causes(error)) {
    if (e.code === '40P01') return 'deadlock';
    if (e.code === '40001') return 'serialization';
    const message = typeof e.message === 'string' ? e.message.toLowerCase() : '';
    if (message.includes('timeout exceeded when trying to connect')) return 'pool_timeout';
    if (message.includes('cached plan must not change result type')) return 'stale_plan';
  }
  return 'connection';
}
