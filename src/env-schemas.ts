import { emailEnvSchema } from "./bots/email/config.js";
import { slackEnvSchema } from "./bots/slack/config.js";
import { whatsappEnvSchema } from "./bots/whatsapp/config.js";
import { registerEnvSchema } from "./config.js";
import { llmEnvSchema } from "./core/infra/llm/index.js";

let done = false;
const keys: string[] = [];

/** Registers the env schemas of feature areas that own configuration keys (LLM, Slack, WhatsApp). */
export function registerEnvSchemas(): void {
  if (done) return;
  done = true;
  for (const schema of [llmEnvSchema, emailEnvSchema, slackEnvSchema, whatsappEnvSchema]) {
    registerEnvSchema(schema);
    keys.push(...Object.keys(schema.shape));
  }
}

/** Every key the feature schemas read (for the .env.example check). */
export function registeredEnvKeys(): string[] {
  return [...keys];
}
