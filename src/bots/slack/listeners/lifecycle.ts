import type { App } from "@slack/bolt";
import { type SlackContext, teamKeyOf } from "../context.js";

/**
 * app_uninstalled and tokens_revoked (Bolt delivers these without authorisation): the installation is
 * removed and its client forgotten, so nothing calls Slack for that workspace again.
 */
export function registerLifecycle(app: App, ctx: SlackContext): void {
  const remove = async (teamKey: string | undefined, why: string) => {
    if (!teamKey) return;
    const removed = (await ctx.workspaces.repo?.remove(teamKey)) ?? false;
    ctx.workspaces.forget(teamKey);
    ctx.log.info({ teamKey, removed, why }, "slack installation removed");
  };
  app.event("app_uninstalled", async ({ context }) => remove(teamKeyOf(context), "app_uninstalled"));
  app.event("tokens_revoked", async ({ event, context }) => {
    if (event.tokens.bot?.length) await remove(teamKeyOf(context), "tokens_revoked");
  });
}
