import { Injectable } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import { logFor } from '../observability/logger';
import { WorkerRegistry, type WorkerView } from './worker-registry.service';

/**
 * The registry's entries as Prometheus series (WORKER_REGISTRY_METRIC_NAMES in
 * `metrics/metric-names.ts`), labelled by worker id and read at scrape
 * time: only entries still in the registry have series, so the label set stays bounded
 * (a process that left drops out at the next scrape). Every process reads the same
 * registry and exports the same series: aggregate with max by (worker_id).
 */
@Injectable()
export class WorkerMetrics {
  private readonly log = logFor('WorkerMetrics');
  private snapshot?: Promise<WorkerView[]>;

  constructor(private readonly registry: WorkerRegistry) {
    const read = () => this.read();
    gauge(
      'worker_active_jobs',
      'Goal and task jobs running in each registered worker',
      async function () {
        this.reset();
        for (const w of await read()) this.set({ worker_id: w.id }, w.running + w.tasks_running);
      },
    );
    gauge(
      'worker_heartbeat_age_seconds',
      "Seconds since each registered worker's last heartbeat",
      async function () {
        this.reset();
        for (const w of await read()) this.set({ worker_id: w.id }, w.heartbeat_age_ms / 1000);
      },
    );
    const jobs =
      (register.getSingleMetric('worker_jobs_total') as Counter<string> | undefined) ??
      new Counter({
        name: 'worker_jobs_total',
        help: 'Goal and task jobs each registered worker finished since it started, by outcome (done, failed)',
        labelNames: ['worker_id', 'outcome'],
      });
    (jobs as unknown as { collect: () => Promise<void> }).collect = async () => {
      jobs.reset();
      for (const w of await read()) {
        jobs.inc({ worker_id: w.id, outcome: 'done' }, w.done + w.tasks_done);
        jobs.inc({ worker_id: w.id, outcome: 'failed' }, w.failed + w.tasks_failed);
      }
    };
  }

  /** One registry read per scrape, shared by the three metrics; none when it fails. */
  private read(): Promise<WorkerView[]> {
    this.snapshot ??= this.registry
      .list()
      .catch((error: Error) => {
        this.log.warn('worker registry unreadable for metrics', { error: error.message });
        return [];
      })
      .finally(() => setImmediate(() => (this.snapshot = undefined)));
    return this.snapshot;
  }
}

function gauge(
  name: string,
  help: string,
  collect: (this: Gauge<string>) => Promise<void>,
): Gauge<string> {
  const existing = register.getSingleMetric(name) as Gauge<string> | undefined;
  if (existing) {
    (existing as unknown as { collect: typeof collect }).collect = collect;
    return existing;
  }
  return new Gauge({ name, help, labelNames: ['worker_id'], collect });
}
