import { boolean, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, ts, updatedAt } from "./_columns.js";

/**
 * A Slack workspace (or Enterprise Grid org) that installed the app through OAuth v2, with its bot
 * token. One row per team; the tenant ↔ team link itself lives in channel_links ('slack', team id),
 * so lookups before the tenant is known go through keel_tenant_for_channel, then RLS applies here.
 * Tokens are stored sealed with KEEL_SECRET (AES-256-GCM) by the Slack adapter.
 */
export const slackInstallations = pgTable(
  "slack_installations",
  {
    id: id(),
    tenantId: tenantId(),
    /** Team id, or the enterprise id for org-wide installs. */
    teamKey: text("team_key").notNull(),
    teamId: text("team_id"),
    enterpriseId: text("enterprise_id"),
    isEnterpriseInstall: boolean("is_enterprise_install").notNull().default(false),
    appId: text("app_id"),
    botUserId: text("bot_user_id"),
    botId: text("bot_id"),
    botScopes: text("bot_scopes").array().notNull().default([]),
    /** Sealed bot token (never logged). */
    botToken: text("bot_token").notNull(),
    /** Sealed refresh token when token rotation is on. */
    botRefreshToken: text("bot_refresh_token"),
    botTokenExpiresAt: ts("bot_token_expires_at"),
    installerUserId: text("installer_user_id"),
    /** The rest of the OAuth response, minus tokens. */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("slack_installations_team_key").on(t.teamKey)],
);
