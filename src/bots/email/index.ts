import type { Config } from "../../config.js";
import { EmailAdapter } from "./adapter.js";
import { emailConfigFrom } from "./config.js";

export { EmailAdapter, type EmailAdapterOptions, emailCapabilities } from "./adapter.js";
export { type EmailEnv, emailConfigFrom, emailEnvSchema } from "./config.js";
export { plainText, type RenderedEmail, renderEmail } from "./render.js";

/** The email adapter when SMTP_URL is configured, else null (register it as `deps.channels.set("email", …)`). */
export function createEmailAdapter(config: Config | Record<string, unknown>): EmailAdapter | null {
  const env = emailConfigFrom(config as Record<string, unknown>);
  return env.SMTP_URL ? new EmailAdapter({ url: env.SMTP_URL, from: env.SMTP_FROM }) : null;
}
