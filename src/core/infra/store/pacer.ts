import type { Store } from "../../ports/store.js";
import type { Logger } from "../logger.js";
import { MemoryStore } from "./memory-store.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Spacing of sends per address, shared by every replica through the store (`Store.pace`: one
 * atomic reservation per send, Lua on Redis). Two replicas answering the same Slack channel or
 * WhatsApp contact together keep the channel's gap, not twice its rate.
 *
 * When the store cannot be reached (Redis down) the send is not failed and not let through
 * unpaced: this process keeps spacing its own sends in memory and says so once in the log.
 */
export class SharedPacer {
  private readonly local = new MemoryStore();
  private degraded = false;

  constructor(
    private readonly store: Store,
    /** Key prefix, e.g. `pace:slack:` — one namespace per channel. */
    private readonly prefix: string,
    readonly gapMs: number,
    private readonly logger?: Logger,
  ) {}

  /** Reserves the next slot for `address`; resolves to the wait in ms (0 = now). */
  async reserve(address: string): Promise<number> {
    if (this.gapMs <= 0) return 0;
    const key = this.prefix + address;
    try {
      const ms = await this.store.pace(key, this.gapMs);
      if (this.degraded) {
        this.degraded = false;
        this.logger?.info({ prefix: this.prefix }, "pacing shared through the store again");
      }
      return ms;
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger?.warn(
          { err, prefix: this.prefix },
          "store unreachable: pacing this replica's sends on its own until it is back",
        );
      }
      return this.local.pace(key, this.gapMs);
    }
  }

  /** Resolves when a send to `address` may start. */
  async wait(address: string): Promise<void> {
    const ms = await this.reserve(address);
    if (ms > 0) await sleep(ms);
  }
}
