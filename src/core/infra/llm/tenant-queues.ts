import { BoundedQueue, type LatencyWindow } from "../../kernel/bounded-queue.js";
import type { QueueSource } from "../metrics.js";
import { LlmError } from "./errors.js";

/**
 * Model requests per tenant, bounded: at most `concurrency` of one tenant run at once in this
 * replica and `maxQueued` more wait; past that the request fails at once with `overloaded`, whose
 * user message says "busy, try again in a minute" — the features already turn a failed model call
 * into their deterministic answer plus that sentence, so a tenant flooding Keel gets fast, honest
 * answers and never holds every other tenant's questions behind its own.
 *
 * Shown to the gauges as one queue named "llm" (summed over tenants; per-tenant labels would grow
 * without bound). Each request's time, queue wait included, goes to the latency window /readyz reads.
 */
export class TenantQueues implements QueueSource {
  readonly name = "llm";
  private readonly queues = new Map<string, BoundedQueue>();

  constructor(
    private readonly limits: { concurrency: number; maxQueued: number },
    private readonly hooks: { onShed?: (tenantId: string) => void; latency?: LatencyWindow } = {},
  ) {}

  get depth(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.depth;
    return n;
  }

  get inFlight(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.inFlight;
    return n;
  }

  /** Runs one model request of `tenantId` through its queue; `overloaded` when the queue is full. */
  async run<T>(tenantId: string, fn: () => Promise<T>, timed: (v: T) => boolean = () => true): Promise<T> {
    let q = this.queues.get(tenantId);
    if (!q) {
      q = new BoundedQueue(`llm:${tenantId}`, this.limits);
      this.queues.set(tenantId, q);
    }
    const slot = q.reserve();
    if (!slot) {
      this.hooks.onShed?.(tenantId);
      throw new LlmError(
        "overloaded",
        `tenant has ${q.inFlight} model requests running and ${q.depth} waiting in this replica`,
      );
    }
    const started = performance.now();
    try {
      const v = await slot.run(fn);
      if (timed(v)) this.hooks.latency?.add(performance.now() - started);
      return v;
    } finally {
      if (q.inFlight === 0 && q.depth === 0 && this.queues.get(tenantId) === q) this.queues.delete(tenantId);
    }
  }
}
