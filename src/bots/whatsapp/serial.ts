/**
 * Runs tasks one at a time per key (per contact), in arrival order, and remembers what is in flight
 * so tests and shutdown can wait for it. Messages from one person are handled in order ("2" then the
 * edited text); different people do not wait for each other.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const p = prev.then(task, task);
    const tail = p.catch(() => undefined);
    this.tails.set(key, tail);
    this.inFlight.add(tail);
    void tail.finally(() => {
      this.inFlight.delete(tail);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return p;
  }

  /** Resolves when everything started so far has settled. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }
}
