import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { statfs } from 'node:fs/promises';
import { cpus, freemem, totalmem } from 'node:os';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { GoalEventRecord } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { LlmUsageRecorder } from '../llm/llm-usage.recorder';
import { logFor } from '../observability/logger';
import { PlatformGaugeRepository } from './platform-gauge.repository';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LONG_BUCKETS = [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
/** Tasks whose start this process remembers, to time them; bounded. */
const MAX_TRACKED_TASKS = 10_000;

function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return (
    (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames })
  );
}
function gauge(
  name: string,
  help: string,
  labelNames: string[] = [],
  collect?: (this: Gauge<string>) => Promise<void> | void,
): Gauge<string> {
  return (
    (register.getSingleMetric(name) as Gauge<string>) ??
    new Gauge({ name, help, labelNames, collect })
  );
}
function histogram(
  name: string,
  help: string,
  labelNames: string[],
  buckets: number[],
): Histogram<string> {
  return (
    (register.getSingleMetric(name) as Histogram<string>) ??
    new Histogram({ name, help, labelNames, buckets })
  );
}

/**
 * Every Prometheus metric of the product, on prom-client's default registry (served at
 * /metrics by the API and on WORKER_METRICS_PORT by workers).
 *
 * Counters and histograms of the goal lifecycle are fed from the event bus, counting only
 * events committed in THIS process (`origin === 'local'`), so summing over API and worker
 * instances counts each event once even though the Redis bridge shows every event
 * everywhere. Gauges that describe shared state (active goals, active agents) are read from
 * the database at scrape time and are the same on every instance: aggregate them with max().
 * Labels are bounded: route templates, agent kinds, statuses, provider and model names.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly log = logFor('Metrics');
  private readonly unsubscribe: () => void;
  private readonly tasks = new Map<string, { kind: string; startedAt: number }>();
  private readonly agentKinds = new Map<string, string>();
  private lastCpu = process.cpuUsage();
  private lastCpuAt = process.hrtime.bigint();

  readonly httpDuration = histogram(
    'http_request_duration',
    'HTTP request duration in seconds, by method, route template and status code',
    ['method', 'route', 'status_code'],
    DURATION_BUCKETS,
  );
  readonly httpTotal = counter(
    'http_requests_total',
    'HTTP requests answered, by method, route template and status code',
    ['method', 'route', 'status_code'],
  );
  readonly httpInProgress = gauge(
    'http_requests_in_progress',
    'HTTP requests being handled, by method',
    ['method'],
  );

  readonly webhookAttempts = counter(
    'webhook_delivery_attempts_total',
    'Webhook delivery attempts, by outcome (delivered, retrying, expired, gone)',
    ['outcome'],
  );
  readonly webhookDuration = histogram(
    'webhook_delivery_duration_seconds',
    'Time of each webhook delivery attempt, connection and answer included',
    [],
    DURATION_BUCKETS,
  );

  readonly agentSpawn = counter(
    'agent_spawn_total',
    'Agents put to work on a task (one per assignment), by agent kind',
    ['agent_kind'],
  );
  readonly agentActive = gauge(
    'agent_active',
    'Distinct agents running a task now (database, same on every instance)',
    ['agent_kind'],
  );
  readonly agentDuration = histogram(
    'agent_execution_duration',
    'Duration of one agent execution of a task attempt in seconds, by agent kind and outcome',
    ['agent_kind', 'outcome'],
    LONG_BUCKETS,
  );
  readonly agentErrors = counter(
    'agent_errors_total',
    'Failed task attempts, by agent kind and whether the failure was final',
    ['agent_kind', 'final'],
  );

  readonly goalCreated = counter('goal_created_total', 'Goals submitted');
  readonly goalCompleted = counter('goal_completed_total', 'Goals completed');
  readonly goalFailed = counter('goal_failed_total', 'Goals failed');
  readonly goalCancelled = counter('goal_cancelled_total', 'Goals cancelled');
  readonly goalActive = gauge(
    'goal_active',
    'Goals not finished, by status (database, same on every instance)',
    ['status'],
  );
  readonly goalDuration = histogram(
    'goal_duration',
    'Goal duration from start to completion in seconds',
    [],
    LONG_BUCKETS,
  );

  readonly workerActive = gauge(
    'worker_active',
    'Whether this process executes goal jobs (1) or not (0)',
  );
  readonly workerTasks = counter(
    'worker_tasks_total',
    'Task attempts finished in this process, by status',
    ['status'],
  );
  readonly workerTaskDuration = histogram(
    'worker_task_duration',
    'Task attempt duration in this process in seconds, by status',
    ['status'],
    LONG_BUCKETS,
  );
  readonly workerCapacity = gauge(
    'worker_capacity',
    'Tasks this process may run at once (TASK_CONCURRENCY, 0 when it runs no jobs)',
  );
  readonly workerUtilization = gauge(
    'worker_utilization',
    'Running tasks in this process divided by its capacity (0..1)',
  );

  readonly memoryOperations = counter(
    'memory_operations',
    'Agent memory operations, by memory kind and operation',
    ['kind', 'operation'],
  );
  readonly memoryCacheHits = counter('memory_cache_hits', 'Agent memory cache hits');
  readonly memoryCacheMisses = counter('memory_cache_misses', 'Agent memory cache misses');
  readonly memoryStoreSize = gauge(
    'memory_store_size',
    'Entries in the agent memory store, by memory kind',
    ['kind'],
  );

  readonly systemCpu = gauge(
    'system_cpu_usage',
    'CPU used by this process since the previous scrape, as a fraction of all cores (0..1)',
  );
  readonly systemMemory = gauge(
    'system_memory_usage',
    'Host memory in use, as a fraction of the total (0..1)',
  );
  readonly systemDisk = gauge(
    'system_disk_usage',
    'Disk in use on the volume of DATA_DIR, as a fraction of its size (0..1)',
  );

  readonly llmTokens = counter(
    'llm_tokens_total',
    'LLM tokens, by provider, model and kind (prompt or completion)',
    ['provider', 'model', 'kind'],
  );
  readonly llmDuration = histogram(
    'llm_request_duration',
    'LLM request duration in seconds (retries included), by provider, model and status',
    ['provider', 'model', 'status'],
    LONG_BUCKETS,
  );

  readonly wsClients = gauge('ws_clients', 'WebSocket clients connected to this process');
  readonly wsEventsSent = counter('ws_events_sent_total', 'Goal events sent to WebSocket clients');
  readonly wsSlowConsumers = counter(
    'ws_slow_consumers_total',
    'WebSocket clients closed for not reading fast enough',
  );
  readonly wsDeliveryLag = histogram(
    'ws_event_delivery_lag',
    'Seconds from an event being written until it has been handed to every client it was queued for',
    [],
    LAG_BUCKETS,
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gauges: PlatformGaugeRepository,
    bus: EventBus,
    llmUsage: LlmUsageRecorder,
  ) {
    this.unsubscribe = bus.subscribe((event, origin) => {
      if (origin === 'local') this.observe(event);
    });
    llmUsage.onRecorded((call) => {
      const labels = { provider: call.provider, model: call.model };
      this.llmTokens.inc({ ...labels, kind: 'prompt' }, call.promptTokens);
      this.llmTokens.inc({ ...labels, kind: 'completion' }, call.completionTokens);
      this.llmDuration.observe({ ...labels, status: call.status }, call.durationMs / 1000);
    });
    const runsJobs = config.PROCESS_JOBS;
    this.workerActive.set(runsJobs ? 1 : 0);
    this.workerCapacity.set(runsJobs ? config.TASK_CONCURRENCY : 0);
    this.workerUtilization.set(0);
    for (const kind of ['prompt', 'completion'])
      this.llmTokens.inc({ provider: config.llmProvider, model: config.llmModel, kind }, 0);
    for (const status of ['completed', 'failed']) this.workerTasks.inc({ status }, 0);
    this.wsClients.set(0);
    this.bindCollectors();
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Feeds lifecycle metrics from one committed event of this process. */
  observe(event: GoalEventRecord): void {
    const now = Date.now();
    switch (event.type) {
      case 'goal.created':
        this.goalCreated.inc();
        break;
      case 'goal.completed': {
        this.goalCompleted.inc();
        const data = event.data as { duration_ms: number };
        this.goalDuration.observe(Math.max(0, data.duration_ms) / 1000);
        break;
      }
      case 'goal.failed':
        this.goalFailed.inc();
        break;
      case 'goal.cancelled':
        this.goalCancelled.inc();
        break;
      case 'agent.assigned': {
        const data = event.data as { task_id: string; agent_kind: string };
        this.agentSpawn.inc({ agent_kind: data.agent_kind });
        this.remember(this.agentKinds, data.task_id, data.agent_kind);
        break;
      }
      case 'task.started':
        if (event.task_id) {
          const kind = this.agentKinds.get(event.task_id) ?? 'unknown';
          this.remember(this.tasks, event.task_id, { kind, startedAt: now });
          this.updateUtilization();
        }
        break;
      case 'task.completed':
      case 'task.failed': {
        const outcome = event.type === 'task.completed' ? 'completed' : 'failed';
        const started = event.task_id ? this.tasks.get(event.task_id) : undefined;
        const kind =
          started?.kind ?? (event.task_id && this.agentKinds.get(event.task_id)) ?? 'unknown';
        if (started) {
          const seconds = (now - started.startedAt) / 1000;
          this.agentDuration.observe({ agent_kind: kind, outcome }, seconds);
          this.workerTaskDuration.observe({ status: outcome }, seconds);
          this.tasks.delete(event.task_id!);
        }
        this.workerTasks.inc({ status: outcome });
        if (outcome === 'failed') {
          const final = (event.data as { final: boolean }).final;
          this.agentErrors.inc({ agent_kind: kind, final: String(final) });
        }
        this.updateUtilization();
        break;
      }
      default:
        break;
    }
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.set(key, value);
    if (map.size > MAX_TRACKED_TASKS) map.delete(map.keys().next().value as string);
  }

  private updateUtilization(): void {
    const capacity = this.config.PROCESS_JOBS ? this.config.TASK_CONCURRENCY : 0;
    this.workerUtilization.set(capacity ? Math.min(1, this.tasks.size / capacity) : 0);
  }

  private bindCollectors(): void {
    const bind = (metric: Gauge<string>, collect: () => Promise<void> | void) => {
      (metric as unknown as { collect: () => Promise<void> | void }).collect = collect;
    };
    bind(this.goalActive, async () => {
      const rows = await this.safely(() => this.gauges.unfinishedGoalsByStatus());
      this.goalActive.reset();
      for (const status of ['queued', 'running', 'awaiting_approval'])
        this.goalActive.set({ status }, 0);
      for (const row of rows) this.goalActive.set({ status: row.status }, Number(row.n));
    });
    bind(this.agentActive, async () => {
      const rows = await this.safely(() => this.gauges.runningAgentsByKind());
      this.agentActive.reset();
      for (const row of rows) this.agentActive.set({ agent_kind: row.kind }, Number(row.n));
    });
    bind(this.systemCpu, () => {
      const now = process.hrtime.bigint();
      const used = process.cpuUsage(this.lastCpu);
      const elapsedMicros = Number(now - this.lastCpuAt) / 1000;
      this.lastCpu = process.cpuUsage();
      this.lastCpuAt = now;
      const cores = Math.max(1, cpus().length);
      this.systemCpu.set(
        elapsedMicros > 0 ? Math.min(1, (used.user + used.system) / elapsedMicros / cores) : 0,
      );
    });
    bind(this.systemMemory, () => {
      this.systemMemory.set(1 - freemem() / totalmem());
    });
    bind(this.systemDisk, async () => {
      try {
        const stats = await statfs(this.config.DATA_DIR);
        this.systemDisk.set(stats.blocks > 0 ? 1 - stats.bavail / stats.blocks : 0);
      } catch {
        const stats = await statfs('.');
        this.systemDisk.set(stats.blocks > 0 ? 1 - stats.bavail / stats.blocks : 0);
      }
    });
  }

  /**
   * Scrape-time queries are read-only, cross-tenant aggregates (platform metrics) and must
   * never fail a scrape: a database error yields no samples and a warning.
   */
  private async safely<T>(read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      this.log.warn('metrics query failed', { error: (error as Error).message });
      return [];
    }
  }
}
