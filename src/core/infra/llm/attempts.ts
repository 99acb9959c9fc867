import { LlmError } from "./errors.js";

/** Counts calls that actually reached a provider for one user request. */
export class AttemptBudget {
  used = 0;
  constructor(readonly max: number) {}
  get remaining(): number {
    return Math.max(0, this.max - this.used);
  }
  take(): void {
    if (this.remaining <= 0) throw new LlmError("all_providers_failed", "attempt budget exhausted");
    this.used++;
  }
}
