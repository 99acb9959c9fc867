import { EmailAdapter } from "./adapter.js";
import type { EmailEnv } from "./config.js";

export { EmailAdapter, type EmailAdapterOptions, emailCapabilities } from "./adapter.js";
export { type EmailEnv, emailEnvSchema } from "./config.js";
export { plainText, type RenderedEmail, renderEmail } from "./render.js";

/** The email adapter when SMTP_URL is configured (`config.email`), else null (register it as `deps.channels.set("email", …)`). */
export function createEmailAdapter(env: EmailEnv): EmailAdapter | null {
  return env.SMTP_URL ? new EmailAdapter({ url: env.SMTP_URL, from: env.SMTP_FROM }) : null;
}
