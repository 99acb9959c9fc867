import type { Logger } from "../../core/infra/logger.js";
import { MemoryStore } from "../../core/infra/store/index.js";
import { SharedPacer } from "../../core/infra/store/pacer.js";
import type { Store } from "../../core/ports/store.js";

/**
 * Per-contact pacing: consecutive messages to one contact are at least `gapMs` apart (the Cloud API
 * pair rate is about one message every 6 s sustained; whatsapp-web.js should not look like a flood).
 * The slots are reserved in the shared store, so every replica sending to one contact keeps the gap
 * together (in-process store: this process only). Different contacts do not wait for each other.
 */
export class ContactPacer {
  private readonly pacer: SharedPacer;
  constructor(gapMs: number, store: Store = new MemoryStore(), logger?: Logger) {
    this.pacer = new SharedPacer(store, "pace:whatsapp:", gapMs, logger);
  }

  /** Resolves when a message to `contact` may be sent. */
  wait(contact: string): Promise<void> {
    return this.pacer.wait(contact);
  }
}
