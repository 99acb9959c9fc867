/**
 * Per-contact pacing: consecutive messages to one contact are at least `gapMs` apart (the Cloud API
 * pair rate is about one message every 6 s sustained; whatsapp-web.js should not look like a flood).
 * Calls for the same contact queue in order; different contacts do not wait for each other.
 */
export class ContactPacer {
  private readonly next = new Map<string, number>();
  constructor(
    private readonly gapMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when a message to `contact` may be sent. */
  async wait(contact: string): Promise<void> {
    if (this.gapMs <= 0) return;
    const t = this.now();
    const at = Math.max(t, this.next.get(contact) ?? 0);
    this.next.set(contact, at + this.gapMs);
    if (this.next.size > 10_000) for (const [k, v] of this.next) if (v < t) this.next.delete(k);
    if (at > t) await this.sleep(at - t);
  }
}
