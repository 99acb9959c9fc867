import { registerEnvSchema } from "../../../src/config.js";
import { llmEnvSchema } from "../../../src/core/infra/llm/index.js";

let registered = false;
/** The composition root merges the LLM env schema; tests that build config themselves do it here. */
export function registerLlmEnv(): void {
  if (registered) return;
  registerEnvSchema(llmEnvSchema);
  registered = true;
}

/** The system prompt of a recorded chat request (to tell prompts apart in a scripted reply). */
export const systemOf = (body: { messages: { role: string; content: string }[] }) =>
  body.messages.find((m) => m.role === "system")?.content ?? "";
