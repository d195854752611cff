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
   * Called after each flush that sent timestamped frames: how many events they delivered,
   * and for each distinct frame its lag (ms; a frame of several events: its oldest's) when
   * the flush had handed it to every socket it was queued for.
   */
  delivered?(deliveries: number, lagsMs: number[]): void;
  /** Runs the flush after the current burst of work; queueMicrotask by default. */
  schedule?(flush: () => void): void;
}

interface Pending {
  frames: Buffer[];
  bytes: number;
  createdAtMs: (number | undefined)[];
  /** How many events each frame carries. */
  events: number[];
}

/**
 * Sends WebSocket frames, framed once by the caller, to many sockets, coalescing the frames
 * queued for one socket during one turn of the event loop into a single write. A fan-out of
 * E events to C clients then costs C system calls per burst rather than C·E, which is what
 * bounds fan-out latency at high C.
 * Per-socket order is kept: every frame of a socket, event or reply, goes through here.
 */
export class CoalescingSender<S extends OutboundSocket> {
  private pending = new Map<S, Pending>();
  private scheduled = false;
  private readonly schedule: (flush: () => void) => void;

  constructor(private readonly options: CoalescingSenderOptions<S>) {
    this.schedule = options.schedule ?? ((flush) => queueMicrotask(flush));
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
      this.pending.delete(socket);
      this.options.overflow(socket);
      return false;
    }
    if (!queued) {
      queued = { frames: [], bytes: 0, createdAtMs: [], events: [] };
      this.pending.set(socket, queued);
    }
    queued.frames.push(frame);
    queued.bytes += frame.length;
    queued.createdAtMs.push(createdAtMs);
    queued.events.push(events);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
    return true;
  }

  /** Writes everything queued now (also used before closing a socket on purpose). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    // Sockets subscribed to the same events are queued the same frames, so their bytes are
    // joined once, the same buffer is written to each, and their timestamps are read once.
    let frames: Buffer[] | undefined;
    let bytes: Buffer | undefined;
    let stamped = 0;
    let deliveries = 0;
    const createdAt = new Map<Buffer, number>();
    for (const [socket, queued] of batch) {
      if (socket.readyState !== socket.OPEN) continue;
      if (!frames || !sameFrames(frames, queued.frames)) {
        frames = queued.frames;
        bytes = frames.length === 1 ? frames[0] : Buffer.concat(frames, queued.bytes);
        stamped = 0;
        queued.createdAtMs.forEach((at, i) => {
          if (at === undefined) return;
          stamped += queued.events[i];
          createdAt.set(queued.frames[i], at);
        });
      }
      this.options.write(socket, bytes!);
      deliveries += stamped;
    }
    if (!deliveries) return;
    const now = Date.now();
    this.options.delivered?.(
      deliveries,
      [...createdAt.values()].map((at) => Math.max(0, now - at)),
    );
  }

  /** Drops what is queued for a socket that is going away. */
  forget(socket: S): void {
    this.pending.delete(socket);
  }
}

function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
