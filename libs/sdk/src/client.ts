import createClient, { type Client } from 'openapi-fetch';
import { authenticatingFetch, authHeaders, type Credentials } from './auth.js';
import { unwrap } from './errors.js';
import { goalEvents, type GoalEvent, type GoalEventsOptions } from './events.js';
import type { components, paths } from './generated/openapi.js';
import { paginate, paginateAfter } from './pagination.js';
import { retryingFetch, type RetryOptions } from './retry.js';

export type Goal = components['schemas']['GoalDto'];
export type Task = components['schemas']['TaskDto'];
export type GoalStatus = Goal['status'];

export interface AgentVillageOptions {
  /** Where the API is, e.g. `http://localhost:3000`. */
  baseUrl: string;
  auth?: Credentials;
  /** Retries on 429 and 503, honouring Retry-After. */
  retry?: RetryOptions;
  /** Sent with every request (e.g. `X-Tenant-ID`). */
  headers?: Record<string, string>;
  /** Default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

export interface WaitOptions extends Pick<GoalEventsOptions, 'signal' | 'lastEventId'> {
  /** Called with each event while waiting (progress). */
  onEvent?: (event: GoalEvent) => void;
  /** Give up after this long (default: wait as long as it takes). */
  timeoutMs?: number;
}

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The Agent Village API: `api` is the generated, fully typed client (every route, its
 * parameters, bodies and answers); the methods beside it are what generation cannot give.
 */
export class AgentVillage {
  /** `api.GET('/api/v1/goals/{id}', { params: { path: { id } } })`, typed from the API document. */
  readonly api: Client<paths>;
  private readonly baseUrl: string;
  private readonly credentials: ReturnType<typeof authHeaders>;

  constructor(options: AgentVillageOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.credentials = authHeaders(options.auth, this.baseUrl);
    const send = options.fetch ?? ((request: Request) => fetch(request));
    this.api = createClient<paths>({
      baseUrl: this.baseUrl,
      headers: options.headers,
      fetch: authenticatingFetch(retryingFetch(send, options.retry), this.credentials),
    });
  }

  /** Every goal (newest first), page by page. */
  goals(query: { status?: GoalStatus; pageSize?: number } = {}): AsyncGenerator<Goal> {
    return paginate(
      async ({ limit, offset }) =>
        unwrap(
          await this.api.GET('/api/v1/goals', {
            params: { query: { status: query.status, limit, offset } },
          }),
        ),
      { pageSize: query.pageSize },
    );
  }

  /** A goal's tasks, page by page. */
  tasks(goalId: string, query: { pageSize?: number } = {}): AsyncGenerator<Task> {
    return paginate(
      async ({ limit, offset }) =>
        unwrap(
          await this.api.GET('/api/v1/goals/{id}/tasks', {
            params: { path: { id: goalId }, query: { limit, offset } },
          }),
        ),
      { pageSize: query.pageSize },
    );
  }

  /** A goal's event log over HTTP, after an event id, page by page. */
  eventLog(goalId: string, query: { after?: number; pageSize?: number } = {}) {
    return paginateAfter(
      async ({ after, limit }) =>
        unwrap(
          await this.api.GET('/api/v1/goals/{id}/events', {
            params: { path: { id: goalId }, query: { after, limit } },
          }),
        ),
      query,
    );
  }

  /** A goal's events as they happen, over the WebSocket, resuming after the last id seen. */
  events(goalId: string, options: GoalEventsOptions = {}): AsyncGenerator<GoalEvent> {
    return goalEvents(
      async () => ({
        url: `${this.baseUrl.replace(/^http/, 'ws')}/ws`,
        headers: await this.credentials.headers(),
      }),
      goalId,
      options,
    );
  }

  /** Follows a goal's events until it finishes, then answers the goal as it ended. */
  async waitForGoal(goalId: string, options: WaitOptions = {}): Promise<Goal> {
    const timeout = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
    const signal =
      timeout && options.signal
        ? AbortSignal.any([timeout, options.signal])
        : (timeout ?? options.signal);
    const current = await this.getGoal(goalId);
    if (FINISHED.has(current.status)) return current;
    for await (const event of this.events(goalId, { signal, lastEventId: options.lastEventId }))
      options.onEvent?.(event);
    if (timeout?.aborted)
      throw new Error(`goal ${goalId} did not finish within ${options.timeoutMs} ms`);
    return this.getGoal(goalId);
  }

  private async getGoal(id: string): Promise<Goal> {
    return unwrap(await this.api.GET('/api/v1/goals/{id}', { params: { path: { id } } }));
  }
}
