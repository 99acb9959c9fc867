/**
 * A work queue with a bound: at most `concurrency` tasks run, at most `maxQueued` more wait (FIFO),
 * and one key (a person, a tenant) holds at most `perKey` of those places. Past the bound nothing
 * is queued: `reserve` says no at once, so the caller can answer "busy" while it is still cheap to
 * do so, instead of letting an unbounded line of promises grow until every answer is late.
 *
 * A reservation is taken when the work is accepted (before a webhook's ack, say) and run later —
 * possibly behind other work of the same person — so the count is right from the first moment.
 */
export interface QueueLimits {
  concurrency: number;
  maxQueued: number;
  /** Places (running + waiting) one key may hold; unset = no per-key share. */
  perKey?: number;
}

export interface Reservation {
  /** Runs `fn` when a permit is free; the place is given back when it settles. Call exactly once. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Gives the place back without running anything. */
  cancel(): void;
}

export class BoundedQueue {
  private running = 0;
  private reserved = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly limits: QueueLimits,
  ) {}

  /** Tasks running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Accepted work not running yet. */
  get depth(): number {
    return this.reserved;
  }

  /** Places left before `reserve` says no (for pulling work: the inbox sweep takes this many). */
  room(): number {
    const { concurrency, maxQueued } = this.limits;
    return Math.max(0, concurrency + maxQueued - this.running - this.reserved);
  }

  hasRoom(key?: string): boolean {
    if (this.room() <= 0) return false;
    const { perKey } = this.limits;
    return !(key && perKey !== undefined && (this.byKey.get(key) ?? 0) >= perKey);
  }

  /** A place in the queue, or null when the queue (or this key's share of it) is full. */
  reserve(key?: string): Reservation | null {
    if (!this.hasRoom(key)) return null;
    return this.take(key);
  }

  /** Runs `fn` through the queue now or later; null (nothing started) when full. */
  tryRun<T>(fn: () => Promise<T>, key?: string): Promise<T> | null {
    return this.reserve(key)?.run(fn) ?? null;
  }

  /**
   * Runs `fn` through the queue whatever its length: for work that was admitted already by someone
   * who checked `room()` (the inbox sweep) and must not be refused a second time.
   */
  run<T>(fn: () => Promise<T>, key?: string): Promise<T> {
    return this.take(key).run(fn);
  }

  private take(key?: string): Reservation {
    this.reserved++;
    if (key) this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
    let used = false;
    const giveBack = () => {
      if (!key) return;
      const n = (this.byKey.get(key) ?? 1) - 1;
      if (n <= 0) this.byKey.delete(key);
      else this.byKey.set(key, n);
    };
    return {
      run: async <T>(fn: () => Promise<T>): Promise<T> => {
        if (used) throw new Error("reservation used twice");
        used = true;
        // A permit is handed from a finishing task straight to the next waiter (FIFO), so a
        // newcomer never slips in between and `running` never exceeds the concurrency.
        if (this.running < this.limits.concurrency && !this.waiters.length) this.running++;
        else await new Promise<void>((resolve) => this.waiters.push(resolve));
        this.reserved--;
        try {
          return await fn();
        } finally {
          giveBack();
          const next = this.waiters.shift();
          if (next) next();
          else this.running--;
        }
      },
      cancel: () => {
        if (used) return;
        used = true;
        this.reserved--;
        giveBack();
      },
    };
  }
}

/** Latencies of the last `windowMs` (at most `max` samples), for "is the model slow right now?". */
export class LatencyWindow {
  private samples: { at: number; ms: number }[] = [];
  constructor(
    private readonly windowMs = 60_000,
    private readonly max = 500,
  ) {}

  add(ms: number, at = Date.now()): void {
    this.samples.push({ at, ms });
    if (this.samples.length > this.max) this.samples.shift();
  }

  /** The 90th percentile of the window and how many samples it rests on. */
  p90(at = Date.now()): { p90Ms: number | null; samples: number } {
    this.samples = this.samples.filter((s) => s.at > at - this.windowMs);
    const sorted = this.samples.map((s) => s.ms).sort((a, b) => a - b);
    if (!sorted.length) return { p90Ms: null, samples: 0 };
    return {
      p90Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]!,
      samples: sorted.length,
    };
  }
}
