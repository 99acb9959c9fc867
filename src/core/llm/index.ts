// PLACEHOLDER until the LLM gateway lands (issue: LLM gateway). Offline only: no model configured.
import type { Config } from "../../config.js";
import type { Database } from "../db/client.js";
import { AppError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { Clock } from "../ports/clock.js";
import type { LlmClient } from "../ports/llm.js";
import type { Store } from "../ports/store.js";

export interface LlmDeps {
  config: Config;
  logger: Logger;
  db: Database;
  store: Store;
  clock: Clock;
  metrics: Metrics;
}

export async function createLlm(_deps: LlmDeps): Promise<LlmClient> {
  const none = () => {
    throw new AppError("provider_error", "No language model is configured.");
  };
  return {
    chat: async () => none(),
    structured: async () => none(),
    // biome-ignore lint/correctness/useYield: placeholder
    stream: async function* () {
      none();
    },
    hasModel: () => false,
    health: async () => ({ offline: "ok" }),
  };
}
