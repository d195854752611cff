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
  /** Called after each flush with the delivery lags (ms) of the frames that carried a timestamp. */
  delivered?(lagsMs: number[]): void;
  /** Runs the flush after the current burst of work; setImmediate by default. */
  schedule?(flush: () => void): void;
}

interface Pending {
  frames: Buffer[];
  bytes: number;
  createdAtMs: (number | undefined)[];
}

/**
 * Sends WebSocket frames, framed once by the caller, to many sockets, coalescing the frames
 * queued for one socket during one turn of the event loop into a single write. A fan-out of E events to C clients then costs C
 * system calls per burst rather than C·E, which is what bounds fan-out latency at high C.
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
   * has been handed to `overflow` and nothing more is queued for it).
   */
  send(socket: S, frame: Buffer, createdAtMs?: number): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    let queued = this.pending.get(socket);
    const unsent = socket.bufferedAmount + (queued?.bytes ?? 0) + frame.length;
    if (unsent > this.options.maxBufferBytes) {
      this.pending.delete(socket);
      this.options.overflow(socket);
      return false;
    }
    if (!queued) {
      queued = { frames: [], bytes: 0, createdAtMs: [] };
      this.pending.set(socket, queued);
    }
    queued.frames.push(frame);
    queued.bytes += frame.length;
    queued.createdAtMs.push(createdAtMs);
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
    const lags: number[] = [];
    // Sockets subscribed to the same events are queued the same frames, so their bytes are
    // joined once and the same buffer is written to each.
    let joinedFrames: Buffer[] | undefined;
    let joined: Buffer | undefined;
    for (const [socket, queued] of batch) {
      if (socket.readyState !== socket.OPEN) continue;
      const { frames } = queued;
      if (frames.length === 1) this.options.write(socket, frames[0]);
      else {
        if (!joinedFrames || !sameFrames(joinedFrames, frames)) {
          joinedFrames = frames;
          joined = Buffer.concat(frames, queued.bytes);
        }
        this.options.write(socket, joined!);
      }
      const now = Date.now();
      for (const at of queued.createdAtMs) if (at !== undefined) lags.push(Math.max(0, now - at));
    }
    if (lags.length) this.options.delivered?.(lags);
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
