import { CoalescingSender, OutboundSocket } from './coalescing-sender';

class FakeSocket implements OutboundSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  /** What left in each write. */
  readonly writes: string[] = [];
  readonly buffers: Buffer[] = [];

  write(data: Buffer): void {
    this.writes.push(data.toString());
    this.buffers.push(data);
  }
}

function setup(maxBufferBytes = 1000, sliceSockets?: number) {
  const flushes: (() => void)[] = [];
  const overflowed: FakeSocket[] = [];
  const lags: Array<{ deliveries: number; lagsMs: number[] }> = [];
  const sender = new CoalescingSender<FakeSocket>({
    maxBufferBytes,
    overflow: (socket) => overflowed.push(socket),
    write: (socket, frames) => socket.write(frames),
    delivered: (deliveries, lagsMs) => lags.push({ deliveries, lagsMs }),
    schedule: (flush) => flushes.push(flush),
    continueLater: (flush) => flushes.push(flush),
    sliceSockets,
  });
  /** Runs every slice, those the slices schedule included. */
  const runFlushes = () => {
    while (flushes.length) flushes.shift()!();
  };
  return { sender, overflowed, lags, runFlushes, flushes };
}

describe('CoalescingSender', () => {
  it('sends the frames queued for a socket in one burst as one write, in order', () => {
    const { sender, runFlushes, flushes } = setup();
    const a = new FakeSocket();
    const b = new FakeSocket();
    expect(sender.send(a, Buffer.from('1'))).toBe(true);
    sender.send(b, Buffer.from('x'));
    sender.send(a, Buffer.from('2'));
    sender.send(a, Buffer.from('3'));
    expect(flushes).toHaveLength(1);
    expect(a.writes).toEqual([]);
    runFlushes();
    expect(a.writes).toEqual(['123']);
    expect(b.writes).toEqual(['x']);
    sender.send(a, Buffer.from('4'));
    runFlushes();
    expect(a.writes).toEqual(['123', '4']);
  });

  it('joins the same frames once for every socket that is sent them', () => {
    const { sender, runFlushes } = setup();
    const one = Buffer.from('1');
    const two = Buffer.from('2');
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    for (const socket of sockets) {
      sender.send(socket, one);
      sender.send(socket, two);
    }
    const other = new FakeSocket();
    sender.send(other, two);
    sender.send(other, one);
    runFlushes();
    expect(sockets.map((s) => s.writes)).toEqual([['12'], ['12'], ['12']]);
    expect(sockets[1].buffers[0]).toBe(sockets[0].buffers[0]);
    expect(sockets[2].buffers[0]).toBe(sockets[0].buffers[0]);
    expect(other.writes).toEqual(['21']);
  });

  it('reports delivery lag only for frames that carry a timestamp, once per distinct frame', () => {
    const { sender, runFlushes, lags } = setup();
    const event = Buffer.from('event');
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    for (const socket of sockets) {
      sender.send(socket, Buffer.from('reply'));
      sender.send(socket, event, Date.now() - 40);
    }
    runFlushes();
    expect(lags).toHaveLength(1);
    expect(lags[0].deliveries).toBe(3);
    expect(lags[0].lagsMs).toHaveLength(1);
    expect(lags[0].lagsMs[0]).toBeGreaterThanOrEqual(40);
    sender.send(sockets[0], Buffer.from('reply'));
    runFlushes();
    expect(lags).toHaveLength(1);
  });

  it('cuts off a socket whose unsent bytes would pass the limit, counting what is queued', () => {
    const { sender, runFlushes, overflowed } = setup(10);
    const slow = new FakeSocket();
    slow.bufferedAmount = 4;
    expect(sender.send(slow, Buffer.from('abcd'))).toBe(true);
    expect(sender.send(slow, Buffer.from('efgh'))).toBe(false);
    expect(overflowed).toEqual([slow]);
    runFlushes();
    expect(slow.writes).toEqual([]);
  });

  it('refuses closed sockets and drops what was queued for a socket that went away', () => {
    const { sender, runFlushes } = setup();
    const closed = new FakeSocket();
    closed.readyState = 3;
    expect(sender.send(closed, Buffer.from('x'))).toBe(false);
    const leaving = new FakeSocket();
    sender.send(leaving, Buffer.from('y'));
    sender.forget(leaving);
    const closing = new FakeSocket();
    sender.send(closing, Buffer.from('z'));
    closing.readyState = 2;
    runFlushes();
    expect(leaving.writes).toEqual([]);
    expect(closing.writes).toEqual([]);
  });

  it('counts every event of a frame that carries several', () => {
    const { sender, runFlushes, lags } = setup();
    const run = Buffer.from('run');
    const sockets = [new FakeSocket(), new FakeSocket()];
    for (const socket of sockets) sender.send(socket, run, Date.now() - 10, 3);
    runFlushes();
    expect(lags).toHaveLength(1);
    expect(lags[0].deliveries).toBe(6);
    expect(lags[0].lagsMs).toHaveLength(1);
  });

  it('writes a slice of sockets at a time; a frame queued meanwhile rides with the sockets not yet written', () => {
    const { sender, flushes, lags } = setup(1000, 2);
    const sockets = [1, 2, 3, 4, 5].map(() => new FakeSocket());
    const first = Buffer.from('A');
    const second = Buffer.from('B');
    for (const socket of sockets) sender.send(socket, first, Date.now() - 5);
    flushes.shift()!();
    expect(sockets.map((s) => s.writes)).toEqual([['A'], ['A'], [], [], []]);
    expect(lags).toHaveLength(1);
    expect(lags[0]).toEqual({ deliveries: 2, lagsMs: [] });
    for (const socket of sockets) sender.send(socket, second, Date.now() - 1);
    while (flushes.length) flushes.shift()!();
    expect(sockets.map((s) => s.writes)).toEqual([['A', 'B'], ['A', 'B'], ['AB'], ['AB'], ['AB']]);
    const total = lags.reduce((n, l) => n + l.deliveries, 0);
    expect(total).toBe(10);
    // each frame's lag is reported once, when the last socket it was queued for is written
    expect(lags.flatMap((l) => l.lagsMs)).toHaveLength(2);
  });

  it('flush writes every queue at once, and forgets no frame count', () => {
    const { sender, lags } = setup(1000, 1);
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const frame = Buffer.from('E');
    for (const socket of sockets) sender.send(socket, frame, Date.now());
    sender.forget(sockets[2]);
    sender.flush();
    expect(sockets.map((s) => s.writes)).toEqual([['E'], ['E'], []]);
    expect(lags).toEqual([{ deliveries: 2, lagsMs: [expect.any(Number)] }]);
  });
});
