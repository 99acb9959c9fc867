import type { Logger } from "../../core/infra/logger.js";
import { MemoryStore } from "../../core/infra/store/index.js";
import { SharedPacer } from "../../core/infra/store/pacer.js";
import type { Store } from "../../core/ports/store.js";

/**
 * Per-channel pacing for outgoing messages: Slack allows about one message per second per channel.
 * Posts to one channel from this process run one after another; each start takes the next slot
 * reserved in the shared store, so posts from every replica to that channel are at least
 * `intervalMs` apart (in-process store: this process only). Different channels do not wait for each
 * other. 429s are handled by the Web API client itself (it pauses for Retry-After and retries).
 */
export class ChannelPacer {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pacer: SharedPacer;
  constructor(intervalMs = 1000, store: Store = new MemoryStore(), logger?: Logger) {
    this.pacer = new SharedPacer(store, "pace:slack:", intervalMs, logger);
  }

  /** Runs `fn` when the channel's previous post from here has finished and its slot has come. */
  run<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(channel) ?? Promise.resolve();
    const result = prev.then(async () => {
      await this.pacer.wait(channel);
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
