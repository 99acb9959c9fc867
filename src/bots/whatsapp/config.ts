import { z } from "zod";
import { envBool as bool, envUrl as url } from "../../core/kernel/env.js";
import { toE164 } from "./phone.js";

/**
 * WhatsApp settings (see ENV.md). Part of the one env schema (src/config.ts), parsed into `config.whatsapp`; the
 * channel is off unless WHATSAPP_TRANSPORT is set.
 */
export const whatsappEnvSchema = z.object({
  WHATSAPP_TRANSPORT: z.enum(["webjs", "cloud"]).optional(),
  WHATSAPP_TENANT: z.string().default("demo"),
  WHATSAPP_ALLOWLIST: z.string().optional(),
  WHATSAPP_SELF_SETUP: bool.default(false),
  WHATSAPP_ACTION_TTL_MINUTES: z.coerce.number().int().positive().default(120),
  WHATSAPP_PACING_MS: z.coerce.number().int().min(0).default(1000),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().optional(),
  WHATSAPP_CLOUD_APP_SECRET: z.string().optional(),
  WHATSAPP_CLOUD_ACCESS_TOKEN: z.string().optional(),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, "digits only").optional(),
  WHATSAPP_GRAPH_API_URL: url(["http", "https"]).default("https://graph.facebook.com/v21.0"),
  WHATSAPP_CLOUD_TEMPLATE: z.string().optional(),
  WHATSAPP_CLOUD_TEMPLATE_LANG: z.string().default("en_US"),
  WHATSAPP_CLOUD_TEMPLATE_BODY_PARAM: bool.default(false),
  WHATSAPP_WEBJS_CLIENT_ID: z
    .string()
    .regex(/^[-_\w]+$/, "letters, digits, - and _")
    .default("keel"),
  WHATSAPP_WEBJS_DATA_DIR: z.string().default("./.keel/wwebjs"),
  WHATSAPP_CHROMIUM_PATH: z.string().default("/usr/bin/chromium"),
  WHATSAPP_WEB_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, "a version like 2.3000.1017054665")
    .optional(),
  WHATSAPP_WEB_VERSION_URL: z
    .string()
    .default("https://raw.githubusercontent.com/wppconnect-team/wa-version/main/html/{version}.html"),
  WHATSAPP_WEBJS_BACKUP_MS: z.coerce.number().int().min(60_000).default(300_000),
  WHATSAPP_WEBJS_TAKEOVER: bool.default(true),
  WHATSAPP_WEBJS_TAKEOVER_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
  WHATSAPP_WEBJS_LEASE_MS: z.coerce.number().int().min(3_000).max(120_000).default(15_000),
  WHATSAPP_RESTARTS_PER_HOUR: z.coerce.number().int().min(1).default(6),
  WHATSAPP_QR_TERMINAL: bool.default(true),
});

export type WhatsappConfig = z.infer<typeof whatsappEnvSchema>;

/** The keys the Cloud API transport cannot start without. */
export function missingCloudKeys(c: WhatsappConfig): string[] {
  const need = [
    "WHATSAPP_CLOUD_VERIFY_TOKEN",
    "WHATSAPP_CLOUD_APP_SECRET",
    "WHATSAPP_CLOUD_ACCESS_TOKEN",
    "WHATSAPP_CLOUD_PHONE_NUMBER_ID",
  ] as const;
  return need.filter((k) => !c[k]);
}

/** Allowlisted numbers in E.164 (`+` and digits); empty means "every number linked to a user". */
export function allowlist(c: WhatsappConfig): Set<string> {
  return new Set(
    (c.WHATSAPP_ALLOWLIST ?? "")
      .split(/[,;\n]+/)
      .map(toE164)
      .filter((n): n is string => n !== null),
  );
}
