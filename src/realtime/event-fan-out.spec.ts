import type { WebSocket } from 'ws';
import type { GoalEventRecord } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import type { GoalEventLog } from '../events/goal-event-log.service';
import { LiveOutput } from '../events/live-output';
import type { MetricsService } from '../metrics/metrics.service';
import { EventFanOut } from './event-fan-out';
import type { WsConnection } from './ws-connection';

const TENANT = 't1';

/** A ws WebSocket as the fan-out sees it: open, with the TCP socket it writes frames to. */
function fakeSocket(written: string[]): WebSocket {
  const transport = { write: (bytes: Buffer) => written.push(bytes.toString('latin1')) };
  return { readyState: 1, OPEN: 1, bufferedAmount: 0, _socket: transport } as unknown as WebSocket;
}

function event(seq: number): GoalEventRecord {
  return {
    id: seq,
    seq,
    goal_id: 'g1',
    tenant_id: TENANT,
    task_id: null,
    type: 'goal.status',
    data: { from: null, to: 'X', status: 'running' },
    created_at: new Date().toISOString(),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function fanOutTo(clients: number, processJobs: boolean) {
  const bus = new EventBus();
  const connections = new Map<WebSocket, WsConnection>();
  const writes: string[][] = [];
  const fanOut = new EventFanOut({
    config: { WS_MAX_BUFFER_BYTES: 1 << 20, WS_MAX_BACKLOG: 100, PROCESS_JOBS: processJobs },
    bus,
    eventLog: {} as GoalEventLog,
    live: new LiveOutput(),
    metrics: {
      wsEventsSent: { inc: () => undefined },
      wsDeliveryLag: { observe: () => undefined },
    } as unknown as MetricsService,
    connections,
    slowConsumer: () => undefined,
  });
  for (let i = 0; i < clients; i++) {
    const written: string[] = [];
    writes.push(written);
    const socket = fakeSocket(written);
    const connection = { id: String(i), socket, alive: true } as unknown as WsConnection;
    connections.set(socket, connection);
    connection.stream = fanOut.openStream(connection, TENANT);
    await connection.stream.subscribeTenant();
  }
  const written = () => writes.filter((w) => w.length > 0).length;
  return { bus, fanOut, writes, written };
}

describe('EventFanOut', () => {
  it('in a process that only fans out, writes a round in slices, and an event arriving between slices rides with the clients not yet written', async () => {
    const { bus, writes, written } = await fanOutTo(300, false);
    bus.publish(event(1), 'remote');
    await Promise.resolve();
    await Promise.resolve();
    expect(written()).toBe(128);
    bus.publish(event(2), 'remote');
    for (let i = 0; i < 5; i++) await nextTurn();
    // the first slice had event 1 alone and gets event 2 in a second write; the others get both in one
    expect(writes[0]).toHaveLength(2);
    expect(writes[299]).toHaveLength(1);
    expect(writes[299][0]).toContain('"seq":1');
    expect(writes[299][0]).toContain('"seq":2');
    expect(writes.every((w) => w.join('').includes('"seq":2'))).toBe(true);
  });

  it('in a process that runs goals, writes a round to every client at once', async () => {
    const { bus, written } = await fanOutTo(300, true);
    bus.publish(event(1), 'remote');
    await Promise.resolve();
    await Promise.resolve();
    expect(written()).toBe(300);
  });
});
