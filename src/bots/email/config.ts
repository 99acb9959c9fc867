import { z } from "zod";
import { envHelpers } from "../../config.js";

/**
 * Email delivery keys (merge into the app env with `registerEnvSchema(emailEnvSchema)`):
 * SMTP_URL (smtp:// or smtps://, credentials in the URL) and SMTP_FROM ("Keel <keel@example.com>").
 * Email is on when SMTP_URL is set.
 */
export const emailEnvSchema = z.object({
  SMTP_URL: envHelpers.url(["smtp", "smtps"]).optional(),
  SMTP_FROM: z.string().min(3).default("Keel <keel@localhost>"),
});

export type EmailEnv = z.infer<typeof emailEnvSchema>;

/** Email settings from the app config (re-parsed, so it also works when the schema was not merged). */
export function emailConfigFrom(config: Record<string, unknown>): EmailEnv {
  const raw: Record<string, unknown> = {};
  for (const k of Object.keys(emailEnvSchema.shape))
    if (config[k] !== undefined && config[k] !== "") raw[k] = config[k];
  return emailEnvSchema.parse(raw);
}
