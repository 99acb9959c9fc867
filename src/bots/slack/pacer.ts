/**
 * Per-channel pacing for outgoing messages: Slack allows about one message per second per channel,
 * so posts to the same channel run one after another with at least `intervalMs` between starts.
 * Different channels do not wait for each other. 429s are handled by the Web API client itself
 * (it pauses its queue for Retry-After seconds and retries).
 */
export class ChannelPacer {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly lastStart = new Map<string, number>();
  constructor(private readonly intervalMs = 1000) {}

  /** Runs `fn` when the channel's previous post has finished and the interval has passed. */
  run<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(channel) ?? Promise.resolve();
    const result = prev.then(async () => {
      const wait = (this.lastStart.get(channel) ?? 0) + this.intervalMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.lastStart.set(channel, Date.now());
      return fn();
    });
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(channel, tail);
    void tail.then(() => {
      if (this.tails.get(channel) === tail) this.tails.delete(channel);
    });
    return result;
  }
}
