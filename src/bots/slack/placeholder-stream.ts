import type { Logger } from "../../core/infra/logger.js";

/**
 * Shows an answer growing in its "thinking…" placeholder: the latest text is sent with chat.update
 * at most once per `everyMs` (Slack's chat.update is tier 3, ~50/min per workspace, and a reader
 * gains nothing from faster edits). The first text goes out at once; later ones coalesce, so only
 * the newest waiting text is sent. `close()` stops and waits for an update in flight, so the final
 * answer — sent after it — is never overwritten by a late partial.
 *
 * Only text the core has already checked reaches `push` (see core/features/coach/progress.ts).
 */
export class PlaceholderStream {
  private latest: string | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> = Promise.resolve();
  private closed = false;
  /** Partial updates sent (for logs and tests). */
  sent = 0;

  constructor(
    private readonly send: (text: string) => Promise<void>,
    private readonly log: Pick<Logger, "warn">,
    private readonly everyMs = 1_000,
  ) {}

  push(text: string): void {
    if (this.closed) return;
    this.latest = text;
    if (this.timer) return;
    const wait = this.lastSentAt + this.everyMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const text = this.latest;
    this.latest = null;
    if (text === null || this.closed) return;
    this.lastSentAt = performance.now();
    this.sent++;
    this.inflight = this.inflight
      .then(() => this.send(text))
      .catch((err: unknown) => this.log.warn({ err }, "slack partial answer not shown"));
  }

  /** No more partial updates; resolves once the one in flight (if any) is done. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inflight;
  }
}
