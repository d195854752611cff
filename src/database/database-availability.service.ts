import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { backoffDelay, sleep } from '#common';
import { dbRetries, registerPoolMetrics } from './db-fault-metrics';
import { db, rowsOf } from './query-builder';
import { faultLabelOf, isTransientDbError } from './transient-errors';

const WAITING_GAUGE = 'goal_waiting_for_database';

/** Between probes of a database that is down: from 250 ms up to this. */
const MAX_PROBE_INTERVAL_MS = 2000;

/** The smallest statement the database must answer to count as up. */
const PING = db.selectNoFrom(sql<number>`1`.as('up'));

/**
 * Long database outages (a restart, a failover) are waited out here by the work that met
 * them, instead of failing it: callers wait until a ping answers again, then run their
 * step again from what the database holds. Readiness and /metrics show how many wait.
 */
@Injectable()
export class DatabaseAvailability {
  private waiting = 0;
  private readonly gauge: Gauge =
    (register.getSingleMetric(WAITING_GAUGE) as Gauge | undefined) ??
    new Gauge({
      name: WAITING_GAUGE,
      help: 'Goals of this process waiting for the database to come back',
    });

  constructor(private readonly dataSource: DataSource) {
    registerPoolMetrics(dataSource);
  }

  /** Goals of this process waiting for the database right now. */
  get waitingGoals(): number {
    return this.waiting;
  }

  /** Resolves when the database answers a trivial statement; rejects with its error. */
  async ping(): Promise<void> {
    await rowsOf(this.dataSource, PING);
  }

  isTransient(error: unknown): boolean {
    return isTransientDbError(error);
  }

  /**
   * Waits until the database answers, probing with backoff; counts the retry the caller
   * is about to make. Rejects when `signal` aborts.
   */
  async waitUntilAvailable(error: unknown, signal?: AbortSignal): Promise<void> {
    dbRetries.inc({ fault: faultLabelOf(error), level: 'goal_step' });
    this.waiting++;
    this.gauge.set(this.waiting);
    try {
      for (let attempt = 1; ; attempt++) {
        await sleep(backoffDelay(attempt, 250, MAX_PROBE_INTERVAL_MS), signal);
        try {
          await this.ping();
          return;
        } catch (probe) {
          if (!isTransientDbError(probe)) throw probe;
        }
      }
    } finally {
      this.waiting--;
      this.gauge.set(this.waiting);
    }
  }
}
