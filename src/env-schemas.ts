import { emailEnvSchema } from "./bots/email/config.js";
import { slackEnvSchema } from "./bots/slack/config.js";
import { whatsappEnvSchema } from "./bots/whatsapp/config.js";
import { registerEnvSchema } from "./config.js";
import { llmEnvSchema } from "./core/llm/index.js";

let done = false;

/** Registers the env schemas of feature areas that own configuration keys (LLM, Slack, WhatsApp). */
export function registerEnvSchemas(): void {
  if (done) return;
  done = true;
  registerEnvSchema(llmEnvSchema);
  registerEnvSchema(emailEnvSchema);
  registerEnvSchema(slackEnvSchema);
  registerEnvSchema(whatsappEnvSchema);
}
