import { Inject, Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import type { HookContext, HookPoint, PluginHookHandler } from '../plugin-contract/plugin-contract';
import { PluginHealth } from '../plugin-contract/plugin-health';
import { frozenCopy, plainCopy } from './frozen-copy';
import { hookFailureCounter, type HookFailureReason } from './hook-failure-counter';
import { checkPatch, isHookPoint, priorityRank } from './hook-points';

/** What an emission came to: the payload after every accepted `modify`, and who cancelled. */
export interface HookOutcome<P extends object> {
  /** The payload given to `emit` itself when no handler modified it. */
  payload: P;
  cancelled?: { plugin: string; reason: string };
  /** Return values of the handlers that succeeded, by plugin name. */
  results: ReadonlyMap<string, unknown>;
}

interface RegisteredHandler {
  plugin: string;
  handler: PluginHookHandler;
  rank: number;
  order: number;
}

/** What one handler asked for; applied only if it finished in time without throwing. */
interface HandlerCall {
  context: HookContext;
  patch?: Record<string, unknown>;
  cancelReason?: string;
  refusal?: string;
  open: boolean;
}

class HookFailure extends Error {
  constructor(
    readonly reason: HookFailureReason,
    message: string,
  ) {
    super(message);
  }
}

const NO_RESULTS: ReadonlyMap<string, unknown> = new Map();

/**
 * Plugins' hook handlers by hook point, run in priority order (HIGHEST first, equal
 * priorities in registration order) and contained: a handler that throws, breaks the rules
 * of its point or runs past PLUGIN_HOOK_TIMEOUT_MS is logged, counted in
 * `plugin_hook_failures_total` and in the plugin's health, and the action goes on as if it
 * had not run. Handlers of a degraded plugin are skipped. A point without handlers costs
 * one Map lookup.
 */
@Injectable()
export class HookManager {
  private readonly log = logFor('HookManager');
  private readonly handlers = new Map<HookPoint, RegisteredHandler[]>();
  private readonly failures: Counter<'plugin' | 'hook' | 'reason'> = hookFailureCounter();
  private readonly timeoutMs: number;
  private registrations = 0;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'PLUGIN_HOOK_TIMEOUT_MS'>,
    private readonly health: PluginHealth,
  ) {
    this.timeoutMs = config.PLUGIN_HOOK_TIMEOUT_MS;
  }

  /** Adds a plugin's handler; the returned function removes it again. */
  register(plugin: string, handler: PluginHookHandler): () => void {
    if (!isHookPoint(handler.hook)) throw new Error(`unknown hook point ${String(handler.hook)}`);
    if (typeof handler.handle !== 'function')
      throw new Error(`the handler of ${handler.hook} has no handle function`);
    const entry: RegisteredHandler = {
      plugin,
      handler,
      rank: priorityRank(handler.priority),
      order: this.registrations++,
    };
    const list = [...(this.handlers.get(handler.hook) ?? []), entry];
    list.sort((a, b) => a.rank - b.rank || a.order - b.order);
    this.handlers.set(handler.hook, list);
    return () => {
      const remaining = (this.handlers.get(handler.hook) ?? []).filter((e) => e !== entry);
      if (remaining.length) this.handlers.set(handler.hook, remaining);
      else this.handlers.delete(handler.hook);
    };
  }

  /** Whether any handler listens at the point (lets a caller skip building a payload). */
  has(point: HookPoint): boolean {
    return this.handlers.has(point);
  }

  /** Runs the point's handlers one after another, awaiting each (up to the time limit). */
  async emit<P extends object>(
    point: HookPoint,
    tenantId: string | undefined,
    payload: P,
  ): Promise<HookOutcome<P>> {
    const list = this.handlers.get(point);
    if (!list) return { payload, results: NO_RESULTS };
    const run = new Emission<P>(point, tenantId, payload);
    for (const entry of list) {
      if (this.health.isDegraded(entry.plugin)) continue;
      const call = run.callFor(entry.plugin);
      try {
        const answer: unknown = entry.handler.handle(call.context);
        // a synchronous handler is not awaited: no timer, no turn of the event loop
        const value = isThenable(answer) ? await this.withinLimit(answer, call) : answer;
        call.open = false;
        run.accept(entry.plugin, call, value);
        this.health.recordSuccess(entry.plugin);
      } catch (error) {
        this.fail(entry.plugin, point, call, error);
      }
      if (run.cancelled) break;
    }
    return run.outcome();
  }

  /**
   * Runs the point's handlers synchronously, for callers that cannot wait. A handler that
   * returns a promise fails here (its result is dropped and it is counted as
   * `async_in_sync`), and one that ran longer than the time limit fails as a timeout
   * after the fact, since synchronous code cannot be interrupted.
   */
  emitSync<P extends object>(
    point: HookPoint,
    tenantId: string | undefined,
    payload: P,
  ): HookOutcome<P> {
    const list = this.handlers.get(point);
    if (!list) return { payload, results: NO_RESULTS };
    const run = new Emission<P>(point, tenantId, payload);
    for (const entry of list) {
      if (this.health.isDegraded(entry.plugin)) continue;
      const call = run.callFor(entry.plugin);
      const started = performance.now();
      try {
        const value: unknown = entry.handler.handle(call.context);
        call.open = false;
        if (isThenable(value)) {
          value.then(undefined, () => undefined);
          throw new HookFailure(
            'async_in_sync',
            'returned a promise where a synchronous answer is needed',
          );
        }
        if (performance.now() - started > this.timeoutMs)
          throw new HookFailure('timeout', `ran longer than ${this.timeoutMs} ms`);
        run.accept(entry.plugin, call, value);
        this.health.recordSuccess(entry.plugin);
      } catch (error) {
        this.fail(entry.plugin, point, call, error);
      }
      if (run.cancelled) break;
    }
    return run.outcome();
  }

  /** The handler's value, awaited up to the time limit; the call is closed afterwards. */
  private async withinLimit(value: unknown, call: HandlerCall): Promise<unknown> {
    if (!isThenable(value)) {
      call.open = false;
      return value;
    }
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HookFailure('timeout', `did not finish within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([value, limit]);
    } finally {
      clearTimeout(timer);
      call.open = false;
    }
  }

  private fail(plugin: string, point: HookPoint, call: HandlerCall, error: unknown): void {
    call.open = false;
    const reason: HookFailureReason =
      error instanceof HookFailure ? error.reason : call.refusal ? 'modify_refused' : 'error';
    const message = call.refusal ?? (error instanceof Error ? error.message : String(error));
    this.failures.inc({ plugin, hook: point, reason });
    this.health.recordFailure(plugin, `hook ${point}`, `${reason}: ${message}`);
    this.log.warn(`hook handler of plugin ${plugin} at ${point} failed (${reason}); ignored`, {
      plugin,
      hook: point,
      reason,
      error: message.slice(0, 500),
    });
  }
}

/** One emission: the payload as it stands, the results so far and a cancellation. */
class Emission<P extends object> {
  private current: P;
  private view: Readonly<P> | undefined;
  private results: Map<string, unknown> | undefined;
  cancelled: { plugin: string; reason: string } | undefined;

  constructor(
    private readonly point: HookPoint,
    private readonly tenantId: string | undefined,
    payload: P,
  ) {
    this.current = payload;
  }

  callFor(plugin: string): HandlerCall {
    const results = (this.results ??= new Map());
    const point = this.point;
    const call: HandlerCall = { open: true } as HandlerCall;
    // the frozen copy is made when a handler first reads the payload, once per emission
    const view = () => (this.view ??= frozenCopy(this.current));
    call.context = {
      hook: point,
      tenantId: this.tenantId,
      get payload() {
        return view() as Readonly<Record<string, unknown>>;
      },
      results: results.size ? new Map(results) : NO_RESULTS,
      modify(patch) {
        if (!call.open) return;
        const checked = checkPatch(point, patch);
        if (!checked.ok) {
          call.refusal = checked.reason;
          throw new Error(checked.reason);
        }
        call.patch = { ...call.patch, ...checked.patch };
      },
      cancel(reason) {
        if (!call.open) return;
        call.cancelReason = String(reason ?? '').slice(0, 500) || `refused by plugin ${plugin}`;
      },
    };
    return call;
  }

  accept(plugin: string, call: HandlerCall, value: unknown): void {
    if (call.refusal) throw new Error(call.refusal);
    if (call.patch) {
      this.current = { ...this.current, ...plainCopy(call.patch) };
      this.view = undefined;
    }
    // a handler that answers nothing adds no result
    if (value !== undefined) this.results!.set(plugin, value);
    if (call.cancelReason !== undefined) this.cancelled = { plugin, reason: call.cancelReason };
  }

  outcome(): HookOutcome<P> {
    return {
      payload: this.current,
      results: this.results ?? NO_RESULTS,
      ...(this.cancelled ? { cancelled: this.cancelled } : {}),
    };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
