import { z } from "zod";
import { envUrl } from "../../core/kernel/env.js";

/**
 * Email delivery keys (part of the one config schema in src/config.ts, parsed into `config.email`):
 * SMTP_URL (smtp:// or smtps://, credentials in the URL) and SMTP_FROM ("Keel <keel@example.com>").
 * Email is on when SMTP_URL is set.
 */
export const emailEnvSchema = z.object({
  SMTP_URL: envUrl(["smtp", "smtps"]).optional(),
  SMTP_FROM: z.string().min(3).default("Keel <keel@localhost>"),
});

export type EmailEnv = z.infer<typeof emailEnvSchema>;
