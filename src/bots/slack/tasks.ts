import type { LimitFunction } from "p-limit";
import { limiter } from "../../core/kernel/concurrency.js";

/**
 * Background work started after an ack (slow replies, modal updates). Tracked so shutdown can wait
 * for it and tests can wait until the system is quiet; `limit` bounds how much of it runs at once,
 * so a burst of slow work (an embedded database, CPU-heavy replies) queues instead of starving the
 * event loop that answers Slack's next request within 3 s.
 */
export class TaskTracker {
  private readonly running = new Set<Promise<unknown>>();
  private readonly limiter: LimitFunction;

  constructor(maxConcurrent = 64) {
    this.limiter = limiter(maxConcurrent);
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => {});
    return p;
  }

  /** Runs `fn` when fewer than `maxConcurrent` limited jobs are running (FIFO). */
  limit<T>(fn: () => Promise<T>): Promise<T> {
    return this.limiter(fn);
  }

  /** Resolves once nothing is running (including work started while waiting). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  get size(): number {
    return this.running.size;
  }

  get queued(): number {
    return this.limiter.pendingCount;
  }
}
