import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Embedded PGlite runs Postgres on this thread: a statement blocks the event loop while it runs, and
 * statements waiting for PGlite's lock resume through microtasks, so a burst of background work (slow
 * replies, sweeps) runs back to back as one long block in which no socket is read — and a Slack ack
 * waits behind all of it (bench/results/slack-ack.md). The gate admits one statement or transaction
 * at a time, gives the event loop a turn (setImmediate) before each background one, and lets work
 * marked urgent (the inbox record written before an ack) go first. Postgres needs none of this.
 */
export class PgliteGate {
  private busy = false;
  private scheduled = false;
  private readonly urgentQueue: (() => void)[] = [];
  private readonly normalQueue: (() => void)[] = [];
  private readonly lane = new AsyncLocalStorage<true>();

  /** Runs `fn` with its statements ahead of queued background work. */
  urgent<T>(fn: () => Promise<T>): Promise<T> {
    return this.lane.run(true, fn);
  }

  /** Admits `fn` (one statement or one whole transaction) when the database is free. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const urgent = this.lane.getStore() === true;
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.busy = true;
        let p: Promise<T>;
        try {
          p = fn();
        } catch (e) {
          p = Promise.reject(e);
        }
        p.then(resolve, reject).finally(() => {
          this.busy = false;
          this.pump();
        });
      };
      (urgent ? this.urgentQueue : this.normalQueue).push(start);
      this.pump();
    });
  }

  /** Work waiting for its turn (tests, metrics). */
  get waiting(): number {
    return this.urgentQueue.length + this.normalQueue.length;
  }

  private pump(): void {
    if (this.busy) return;
    const u = this.urgentQueue.shift();
    if (u) {
      u();
      return;
    }
    if (!this.normalQueue.length || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.busy) return;
      const next = this.urgentQueue.shift() ?? this.normalQueue.shift();
      if (next) next();
    });
  }
}
