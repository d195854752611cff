import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { AppConfig } from '../config/app-config';
import type { GoalEventRecord } from '../events/domain-events';
import type { EventBus } from '../events/event-bus';
import type { GoalEventLog } from '../events/goal-event-log.service';
import type { LiveOutput, TaskOutputDelta } from '../events/live-output';
import type { MetricsService } from '../metrics/metrics.service';
import { CoalescingSender } from './coalescing-sender';
import { EventEncoder } from './event-encoder';
import { EventSequencer } from './event-sequencer';
import { consecutiveRuns, EventStream } from './event-stream';
import { deltaEnvelope, type Envelope } from './protocol';
import type { WsConnection, WsConnections } from './ws-connection';
import { textFrame } from './ws-frame';

/** Sockets written per slice of a fan-out round in a process that only fans out. */
const FAN_OUT_SLICE_SOCKETS = 128;

/** How long an out-of-order event waits for the events before it before the log is read. */
const GAP_WAIT_MS = 100;

export type SlowConsumerLimit = 'send buffer' | 'backlog';

export interface EventFanOutOptions {
  config: Pick<AppConfig, 'WS_MAX_BUFFER_BYTES' | 'WS_MAX_BACKLOG' | 'PROCESS_JOBS'>;
  bus: EventBus;
  eventLog: GoalEventLog;
  /** Running tasks' output deltas, and the goals this process's clients follow. */
  live: LiveOutput;
  metrics: MetricsService;
  connections: WsConnections;
  /** A client that cannot keep up: the gateway cuts it off. */
  slowConsumer(connection: WsConnection, limit: SlowConsumerLimit): void;
}

/**
 * The way out to the clients: events of the (Redis-bridged) bus put in order per goal,
 * offered to every connection's EventStream run by run, encoded once and written to all
 * clients through one coalescing sender; the gateway's own envelopes take the same path.
 */
export class EventFanOut {
  private readonly encoder = new EventEncoder();
  private readonly sequencer: EventSequencer;
  private readonly sender: CoalescingSender<WebSocket>;
  private readonly unsubscribe: () => void;
  private readonly stopLive: () => void;
  /** Events the sequencer has released since the last fan-out. */
  private released: GoalEventRecord[] = [];

  constructor(private readonly options: EventFanOutOptions) {
    const { config, bus, eventLog, metrics, connections } = options;
    this.sender = new CoalescingSender<WebSocket>({
      maxBufferBytes: config.WS_MAX_BUFFER_BYTES,
      // A process that runs goals itself makes their events on this event loop: a round
      // written in slices would let that work run between the slices and stretch the round,
      // so it is written at once and the goal waits. A process that only fans out (workers
      // run the goals) reads the events that arrive meanwhile between slices.
      sliceSockets: config.PROCESS_JOBS ? undefined : FAN_OUT_SLICE_SOCKETS,
      overflow: (socket) => {
        const connection = connections.get(socket);
        if (connection) options.slowConsumer(connection, 'send buffer');
      },
      // pre-framed bytes go straight to the TCP socket: one write per client, no framing per client
      write: (socket, frames) => transportOf(socket)?.write(frames),
      delivered: (deliveries, lagsMs) => {
        metrics.wsEventsSent.inc(deliveries);
        for (const lag of lagsMs) metrics.wsDeliveryLag.observe(lag / 1000);
      },
    });
    this.sequencer = new EventSequencer({
      gapWaitMs: GAP_WAIT_MS,
      fetch: (sample, afterId) => eventLog.list(sample.tenant_id, sample.goal_id, afterId),
      emit: (event) => {
        // the events released in one burst of work fan out together, run by run
        if (this.released.push(event) === 1) queueMicrotask(() => this.fanOut());
      },
    });
    this.unsubscribe = bus.subscribe((event) => {
      if (connections.size > 0) this.sequencer.push(event);
    });
    this.stopLive = options.live.subscribe((delta) => {
      if (connections.size > 0) this.fanOutDelta(delta);
    });
  }

  /** The event stream of an authenticated connection, over the tenant's event log. */
  openStream(connection: WsConnection, tenantId: string): EventStream {
    const { eventLog, config } = this.options;
    const socket = connection.socket;
    return new EventStream({
      tenantId,
      maxBacklog: config.WS_MAX_BACKLOG,
      source: {
        goalEvents: (goalId, after, limit) => eventLog.list(tenantId, goalId, after, limit),
        tenantEvents: (after, limit) => eventLog.listForTenant(tenantId, after, limit),
        seqAt: (goalId, eventId) => eventLog.seqAt(tenantId, goalId, eventId),
      },
      send: (event) => {
        const encoded = this.encoder.event(event);
        return this.sender.send(socket, encoded.frame, encoded.createdAtMs);
      },
      sendRun: (run) => {
        const encoded = this.encoder.run(run);
        return this.sender.send(socket, encoded.frame, encoded.createdAtMs, run.length);
      },
      overflow: () => this.options.slowConsumer(connection, 'backlog'),
      watch: (goalId) => this.options.live.watch(tenantId, goalId),
    });
  }

  /** One envelope of the gateway's own (connected, ack, error). */
  send(socket: WebSocket, envelope: Envelope): void {
    this.sender.send(socket, textFrame(Buffer.from(JSON.stringify(envelope))));
  }

  /** Drops what is still buffered for a client that is gone or cut off. */
  forget(socket: WebSocket): void {
    this.sender.forget(socket);
  }

  /** Stops taking events and sends out what was released and buffered. */
  close(): void {
    this.unsubscribe();
    this.stopLive();
    this.sequencer.close();
    this.fanOut();
    this.sender.flush();
  }

  /**
   * A delta goes to the goal's followers as it comes, framed once; it does not wait in the
   * sequencer, which only delays events, so it reaches a client before the `task.completed`
   * committed after it.
   */
  private fanOutDelta(delta: TaskOutputDelta): void {
    let frame: Buffer | undefined;
    const { tenant_id: tenantId, goal_id: goalId } = delta;
    for (const connection of this.options.connections.values()) {
      const socket = connection.socket;
      connection.stream?.offerLive(tenantId, goalId, () => {
        frame ??= textFrame(Buffer.from(deltaEnvelope(delta)));
        return this.sender.send(socket, frame);
      });
    }
  }

  /** Offers the released events to every client, a run of one goal at a time. */
  private fanOut(): void {
    if (!this.released.length) return;
    const runs = consecutiveRuns(this.released);
    this.released = [];
    for (const connection of this.options.connections.values()) {
      const stream = connection.stream;
      if (stream) for (const run of runs) stream.offerRun(run);
    }
  }
}

/**
 * The TCP socket under a ws WebSocket. ws does not expose it in its types; writing to it
 * directly sends bytes framed once for every client.
 */
function transportOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}
