/** The part of a WebSocket the sender needs (ws's WebSocket satisfies it). */
export interface OutboundSocket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
}

export interface CoalescingSenderOptions<S extends OutboundSocket> {
  /** A client whose unsent bytes would exceed this is cut off instead of buffered further. */
  maxBufferBytes: number;
  /** Called once for a socket over its limit; it is expected to close it. */
  overflow(socket: S): void;
  /** Writes complete WebSocket frames (see ws-frame.ts), one or more, to the socket's transport. */
  write(socket: S, frames: Buffer): void;
  /**
   * Called after each slice of writes that delivered timestamped frames: how many events
   * they delivered, and the lag (ms) of each frame that has now been handed to every
   * socket it was queued for (a frame of several events: its oldest's).
   */
  delivered?(deliveries: number, lagsMs: number[]): void;
  /** Runs the first slice after the current burst of work; queueMicrotask by default. */
  schedule?(write: () => void): void;
  /** Runs the next slice once pending I/O has been read; setImmediate by default. */
  continueLater?(write: () => void): void;
  /** Sockets written per slice; by default a round is written at once. */
  sliceSockets?: number;
}

interface Pending {
  frames: Buffer[];
  bytes: number;
}

/** A timestamped frame still queued for some sockets. */
interface Stamp {
  createdAtMs: number;
  /** How many events the frame carries. */
  events: number;
  /** Sockets it is queued for and not yet written to. */
  queued: number;
}

/**
 * Sends WebSocket frames, framed once by the caller, to many sockets, coalescing the frames
 * queued for one socket into a single write. A fan-out of E events to C clients costs C
 * system calls per burst rather than C·E, which is what bounds fan-out latency at high C.
 *
 * The sockets are written a slice at a time, in the order they were first queued, with
 * pending I/O read between slices: an event that arrives while a fan-out is under way joins
 * the queues of the sockets not yet written (one write still carries both), and only the
 * sockets already written get a second round. An event then waits at most one round of
 * writes, not the rest of the current round and a whole round of its own.
 * Per-socket order is kept: every frame of a socket, event or reply, goes through here.
 */
export class CoalescingSender<S extends OutboundSocket> {
  private readonly pending = new Map<S, Pending>();
  private readonly stamps = new Map<Buffer, Stamp>();
  /** The last frames joined for a write, reused while the next sockets are queued the same. */
  private joined: { frames: Buffer[]; bytes: Buffer } = { frames: [], bytes: Buffer.alloc(0) };
  private scheduled = false;
  private readonly schedule: (write: () => void) => void;
  private readonly continueLater: (write: () => void) => void;
  private readonly sliceSockets: number;

  constructor(private readonly options: CoalescingSenderOptions<S>) {
    this.schedule = options.schedule ?? ((write) => queueMicrotask(write));
    this.continueLater = options.continueLater ?? ((write) => setImmediate(write));
    this.sliceSockets = options.sliceSockets ?? Infinity;
  }

  /**
   * Queues one frame. False when the socket is closed or over its buffer limit (then it
   * has been handed to `overflow` and nothing more is queued for it). A frame may carry
   * several events (`events`); `createdAtMs` is then its oldest event's.
   */
  send(socket: S, frame: Buffer, createdAtMs?: number, events = 1): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    let queued = this.pending.get(socket);
    const unsent = socket.bufferedAmount + (queued?.bytes ?? 0) + frame.length;
    if (unsent > this.options.maxBufferBytes) {
      this.forget(socket);
      this.options.overflow(socket);
      return false;
    }
    if (!queued) {
      queued = { frames: [], bytes: 0 };
      this.pending.set(socket, queued);
    }
    queued.frames.push(frame);
    queued.bytes += frame.length;
    if (createdAtMs !== undefined) {
      const stamp = this.stamps.get(frame);
      if (stamp) stamp.queued++;
      else this.stamps.set(frame, { createdAtMs, events, queued: 1 });
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.writeSlice());
    }
    return true;
  }

  /** Writes everything queued now (also used before the sender stops). */
  flush(): void {
    this.write(Infinity);
  }

  /** Drops what is queued for a socket that is going away. */
  forget(socket: S): void {
    const queued = this.pending.get(socket);
    if (!queued) return;
    this.pending.delete(socket);
    for (const frame of queued.frames) this.settle(frame, 1);
  }

  private writeSlice(): void {
    this.scheduled = false;
    this.write(this.sliceSockets);
    if (this.pending.size > 0 && !this.scheduled) {
      this.scheduled = true;
      this.continueLater(() => this.writeSlice());
    }
  }

  /**
   * Writes the first `sockets` queues. Sockets subscribed to the same events are queued the
   * same frames, so their bytes are joined once (and kept for the next slice) and the same
   * buffer is written to each.
   */
  private write(sockets: number): void {
    let frames: Buffer[] | undefined;
    let sharing = 0;
    const delivery = { events: 0, lagsMs: [] as number[], now: Date.now() };
    for (const [socket, queued] of this.pending) {
      if (sockets-- <= 0) break;
      this.pending.delete(socket);
      if (socket.readyState !== socket.OPEN) {
        for (const frame of queued.frames) this.settle(frame, 1);
        continue;
      }
      if (!frames || !sameFrames(frames, queued.frames)) {
        if (frames) this.settleAll(frames, sharing, delivery);
        frames = queued.frames;
        sharing = 0;
        if (!sameFrames(this.joined.frames, frames))
          this.joined = {
            frames,
            bytes: frames.length === 1 ? frames[0] : Buffer.concat(frames, queued.bytes),
          };
      }
      this.options.write(socket, this.joined.bytes);
      sharing++;
    }
    if (frames) this.settleAll(frames, sharing, delivery);
    if (delivery.events) this.options.delivered?.(delivery.events, delivery.lagsMs);
  }

  /** `sockets` sockets were written `frames`: counts their events and finished frames' lags. */
  private settleAll(
    frames: Buffer[],
    sockets: number,
    delivery: { events: number; lagsMs: number[]; now: number },
  ): void {
    for (const frame of frames) {
      const stamp = this.settle(frame, sockets);
      if (!stamp) continue;
      delivery.events += stamp.events * sockets;
      if (stamp.queued === 0) delivery.lagsMs.push(Math.max(0, delivery.now - stamp.createdAtMs));
    }
  }

  /** Takes `sockets` off a timestamped frame's count; forgets it once no socket waits for it. */
  private settle(frame: Buffer, sockets: number): Stamp | undefined {
    const stamp = this.stamps.get(frame);
    if (!stamp) return undefined;
    stamp.queued -= sockets;
    if (stamp.queued <= 0) this.stamps.delete(frame);
    return stamp;
  }
}

function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
