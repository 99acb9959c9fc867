import { LlmError } from "./errors.js";

/**
 * Counts calls that actually reached a provider for one user request, and bounds the time model
 * providers may take for it: the deadline clock starts at the first model call (rendering, token
 * counting and cache lookups before it are not model time).
 */
export class AttemptBudget {
  used = 0;
  private deadline = Number.POSITIVE_INFINITY;
  /** `deadlineMs`: how long model providers may take for this request in all (then offline answers). */
  constructor(
    readonly max: number,
    private readonly deadlineMs = Number.POSITIVE_INFINITY,
  ) {}
  get remaining(): number {
    return this.msLeft() <= 0 ? 0 : Math.max(0, this.max - this.used);
  }
  /** Milliseconds left before the request's deadline (the whole allowance before the first call). */
  msLeft(): number {
    return this.used === 0 && this.deadline === Number.POSITIVE_INFINITY
      ? this.deadlineMs
      : this.deadline - performance.now();
  }
  take(): void {
    if (this.remaining <= 0) throw new LlmError("all_providers_failed", "attempt budget exhausted");
    if (this.used === 0) this.deadline = performance.now() + this.deadlineMs;
    this.used++;
  }
}
