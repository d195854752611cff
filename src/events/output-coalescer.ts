/** A piece of streamed text: `text` continues the text at character `offset`. */
export interface CoalescedDelta {
  offset: number;
  text: string;
}

export interface OutputCoalescerOptions {
  /** The shortest time between two emitted deltas (the first waits this long too). */
  intervalMs: number;
  emit(delta: CoalescedDelta): void;
  /** Timers, replaceable in tests. */
  schedule?: (run: () => void, ms: number) => { cancel(): void };
}

const defaultSchedule = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

/**
 * Gathers the pieces of a streamed text and emits them at most once per interval, each
 * with the offset at which it continues the text, so a model that sends a token every few
 * milliseconds costs its listeners a few messages a second. Per piece it only appends to
 * a buffer. `restart` begins a new text (a retried call): what was not emitted is dropped
 * and the next delta has offset 0. `finish` emits what is left at once.
 */
export class OutputCoalescer {
  private pending = '';
  private emitted = 0;
  private timer: { cancel(): void } | undefined;
  private finished = false;
  private readonly schedule: NonNullable<OutputCoalescerOptions['schedule']>;

  constructor(private readonly options: OutputCoalescerOptions) {
    this.schedule = options.schedule ?? defaultSchedule;
  }

  push(text: string): void {
    if (this.finished || !text) return;
    this.pending += text;
    this.timer ??= this.schedule(() => {
      this.timer = undefined;
      this.flush();
    }, this.options.intervalMs);
  }

  restart(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending = '';
    this.emitted = 0;
  }

  /** Emits what is pending; nothing is taken after this. */
  finish(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.flush();
    this.finished = true;
  }

  private flush(): void {
    if (this.finished || !this.pending) return;
    const text = this.pending;
    this.pending = '';
    const offset = this.emitted;
    this.emitted += text.length;
    this.options.emit({ offset, text });
  }
}
