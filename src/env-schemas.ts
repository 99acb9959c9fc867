import { emailEnvSchema } from "./bots/email/config.js";
import { slackEnvSchema } from "./bots/slack/config.js";
import { whatsappEnvSchema } from "./bots/whatsapp/config.js";
import { registerEnvSchema } from "./config.js";

let done = false;

/** Registers the env schemas of feature areas that own configuration keys (LLM, Slack, WhatsApp). */
export function registerEnvSchemas(): void {
  if (done) return;
  done = true;
  void registerEnvSchema;
  registerEnvSchema(emailEnvSchema);
  registerEnvSchema(slackEnvSchema);
  registerEnvSchema(whatsappEnvSchema);
}
