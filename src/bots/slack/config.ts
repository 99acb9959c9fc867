import { z } from "zod";
import { envUrl } from "../../core/kernel/env.js";

/**
 * Slack's environment keys (part of the one config schema in src/config.ts). Empty = unset.
 * HTTP mode needs SLACK_SIGNING_SECRET; Socket Mode needs SLACK_APP_TOKEN; either needs a bot token
 * (SLACK_BOT_TOKEN, single workspace) or OAuth (SLACK_CLIENT_ID/SECRET/STATE_SECRET, many workspaces).
 */
export const slackEnvSchema = z.object({
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().startsWith("xoxb-", "a bot token starting with xoxb-").optional(),
  SLACK_APP_TOKEN: z.string().startsWith("xapp-", "an app-level token starting with xapp-").optional(),
  SLACK_API_URL: envUrl(["http", "https"]).optional(),
  SLACK_CLIENT_ID: z.string().min(1).optional(),
  SLACK_CLIENT_SECRET: z.string().min(1).optional(),
  SLACK_STATE_SECRET: z.string().min(16, "at least 16 characters").optional(),
  SLACK_TENANT: z.string().optional(),
});

export type SlackEnv = z.infer<typeof slackEnvSchema>;

export interface SlackSettings {
  signingSecret?: string;
  botToken?: string;
  appToken?: string;
  /** Web API base URL ending in "/", e.g. a local fake in tests. */
  apiUrl?: string;
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  tenantSlug?: string;
  mode: "http" | "socket" | "off";
}

/** Slack's section of the config, from its parsed keys: decides the transport (pure, no parsing). */
export function slackSettings(env: SlackEnv): SlackSettings {
  const oauth =
    env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && env.SLACK_STATE_SECRET
      ? {
          clientId: env.SLACK_CLIENT_ID,
          clientSecret: env.SLACK_CLIENT_SECRET,
          stateSecret: env.SLACK_STATE_SECRET,
        }
      : undefined;
  const hasAuth = Boolean(env.SLACK_BOT_TOKEN || oauth);
  const mode = !hasAuth ? "off" : env.SLACK_APP_TOKEN ? "socket" : env.SLACK_SIGNING_SECRET ? "http" : "off";
  return {
    signingSecret: env.SLACK_SIGNING_SECRET,
    botToken: env.SLACK_BOT_TOKEN,
    appToken: env.SLACK_APP_TOKEN,
    apiUrl: env.SLACK_API_URL ? `${env.SLACK_API_URL.replace(/\/+$/, "")}/` : undefined,
    oauth,
    tenantSlug: env.SLACK_TENANT,
    mode,
  };
}
