import { BoundedQueue, type QueueLimits, type Reservation } from "../../core/kernel/bounded-queue.js";

/**
 * Background work started after an ack (slow replies, modal updates). Tracked so shutdown can wait
 * for it and tests can wait until the system is quiet. Turns go through a bounded queue: a burst of
 * slow work (an embedded database, a slow model) queues up to its bound instead of starving the
 * event loop that answers Slack's next request within 3 s — and past the bound a turn is shed
 * (answered "busy", kept in the inbox) rather than queued without end.
 */
export class TaskTracker {
  private readonly running = new Set<Promise<unknown>>();
  readonly queue: BoundedQueue;

  constructor(limits: number | QueueLimits = 64) {
    this.queue = new BoundedQueue(
      "slack_turns",
      typeof limits === "number" ? { concurrency: limits, maxQueued: Number.MAX_SAFE_INTEGER } : limits,
    );
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => {});
    return p;
  }

  /** Runs `fn` through the queue whatever its length (work admitted already: resumed turns, files). */
  limit<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /** A place for one turn of `user`, or null when the queue (or that person's share) is full. */
  reserve(user?: string): Reservation | null {
    return this.queue.reserve(user);
  }

  /** Resolves once nothing is running (including work started while waiting). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  get size(): number {
    return this.running.size;
  }

  get queued(): number {
    return this.queue.depth;
  }
}
