import type { App } from "@slack/bolt";
import type { HomeView, KnownBlock } from "@slack/web-api";
import { type Actor, can } from "../../../core/features/auth/index.js";
import { listDeals } from "../../../core/features/deals/index.js";
import { approvalsView } from "../../../core/features/drafts/index.js";
import { overdueInvoices } from "../../../core/features/invoices/index.js";
import { cacheLine, usageReport } from "../../../core/infra/llm/index.js";
import type { IntentArgs } from "../../../core/intents/intent.js";
import { formatCostMicros, formatMoney } from "../../../core/kernel/format.js";
import type { Reply } from "../../../core/ports/reply.js";
import { type SlackContext, slackCode, teamKeyOf, toIntent } from "../context.js";
import { actorForSlackUser, NotMemberError } from "../people.js";
import { clip, SLACK_LIMITS } from "../render/limits.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { viewViolations } from "../render/view-rules.js";
import type { Workspace } from "../workspaces.js";

const MAX_DRAFTS = 8;
const header = (text: string): KnownBlock => ({
  type: "header",
  text: { type: "plain_text", text: clip(text, SLACK_LIMITS.headerText) },
});
const note = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/**
 * The App Home tab, from the core's own functions: drafts this user may approve (with buttons),
 * goals pace and cash position when those features are enabled (through the dispatcher, so roles
 * apply), the open pipeline, overdue invoices and this month's LLM spend. A part that fails or is
 * not available is left out; the tab always publishes.
 */
export async function buildHome(
  ctx: SlackContext,
  ws: Workspace,
  actor: Actor,
  nonce: string,
): Promise<HomeView> {
  const now = ctx.deps.clock.now();
  const blocks: KnownBlock[] = [
    header(`Keel — ${actor.name}`),
    note(
      `Role: *${actor.role}* · updated <!date^${Math.floor(now.getTime() / 1000)}^{date_short_pretty} {time}|${now.toISOString()}>`,
    ),
  ];
  const part = async (name: string, fn: () => Promise<KnownBlock[]>) => {
    try {
      blocks.push(...(await fn()));
    } catch (err) {
      ctx.log.warn({ err, part: name }, "app home part skipped");
    }
  };
  await part("approvals", async () => {
    // The core decides what this person may act on and which buttons they get; each draft's
    // blocks get their own block_id prefix (Slack rejects a view with duplicate block_ids).
    const view = await approvalsView(ctx.deps, actor, "slack");
    const out: KnownBlock[] = [
      { type: "divider" },
      header(`Waiting for your approval (${view.items.length})`),
    ];
    if (view.summary) out.push(note(escapeMrkdwn(view.summary)));
    if (view.delay) out.push(note(escapeMrkdwn(`${view.delay}.`)));
    if (!view.items.length) out.push(note("Nothing for you to approve."));
    for (const [i, item] of view.items.slice(0, MAX_DRAFTS).entries())
      out.push(
        ...(
          await ctx.adapter.prepare(item, ws.teamKey, `d${i}-${String(item.meta?.draftSeq ?? i)}`)
        ).messages.flatMap((m) => m.blocks),
      );
    if (view.items.length > MAX_DRAFTS)
      out.push(note(`…and ${view.items.length - MAX_DRAFTS} more: \`/keel drafts\`.`));
    return out;
  });
  const viaCore = async (title: string, args: IntentArgs) => {
    if (!ctx.dispatcher.handles(args.kind)) return [];
    const reply: Reply = await ctx.dispatcher.dispatch(
      toIntent(args, actor, `home:${actor.userId}`, `slack:home:${nonce}:${args.kind}`),
    );
    if (reply.outcome?.kind === "error") return [];
    const rendered = await ctx.adapter.prepare({ ...reply, actions: [] }, ws.teamKey);
    return [
      { type: "divider" } as KnownBlock,
      header(title),
      ...rendered.messages.flatMap((m) => m.blocks).slice(0, 12),
    ];
  };
  await part("goals", () => viaCore("Goals", { kind: "goals.list" }));
  if (can(actor, "cashflow.read"))
    await part("cash", () => viaCore("Cash position", { kind: "cashflow.forecast", horizonDays: 30 }));
  if (can(actor, "deals.read"))
    await part("pipeline", async () => {
      const deals = await ctx.deps.db.tenantTx(ws.tenantId, (tx) => listDeals(tx, now));
      const total = deals.reduce((s, d) => s + d.valueMinor, 0);
      const weighted = deals.reduce((s, d) => s + d.valueMinor * d.probability, 0);
      const stuck = deals.filter((d) => d.stuck).length;
      const cur = deals[0]?.currency ?? "USD";
      return [
        { type: "divider" },
        header("Open pipeline"),
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: `*Open deals*\n${deals.length}` },
            { type: "mrkdwn", text: `*Value*\n${escapeMrkdwn(formatMoney(total, cur))}` },
            { type: "mrkdwn", text: `*Weighted*\n${escapeMrkdwn(formatMoney(Math.round(weighted), cur))}` },
            { type: "mrkdwn", text: `*Stuck*\n${stuck}` },
          ],
        },
      ];
    });
  if (can(actor, "invoices.read") && !ctx.dispatcher.handles("cashflow.forecast"))
    await part("invoices", async () => {
      const inv = await ctx.deps.db.tenantTx(ws.tenantId, (tx) => overdueInvoices(tx, now));
      const sum = inv.reduce((s, i) => s + i.outstandingMinor, 0);
      return [
        { type: "divider" },
        header("Overdue invoices"),
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: `${inv.length} overdue, ${escapeMrkdwn(formatMoney(sum, inv[0]?.currency ?? "USD"))} outstanding.`,
          },
        },
      ];
    });
  if (can(actor, "usage.read"))
    await part("spend", async () => {
      const month = now.toISOString().slice(0, 7);
      const r = await usageReport(ctx.deps.db, ws.tenantId, month);
      return [
        { type: "divider" },
        header(`AI spend in ${month}`),
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: `${formatCostMicros(r.totals.costMicros)} across ${r.totals.calls} calls; cache: ${cacheLine(r)}.`,
          },
        },
      ];
    });
  return { type: "home", blocks: blocks.slice(0, SLACK_LIMITS.blocksPerView) };
}

/** Builds and publishes a person's Home tab (on open, and after a decision made from it). */
export async function publishHome(
  ctx: SlackContext,
  ws: Workspace,
  slackUser: string,
  nonce: string,
): Promise<void> {
  const actor = await actorForSlackUser(ctx.deps, ws, slackUser);
  const view = await buildHome(ctx, ws, actor, nonce);
  const problems = viewViolations(view.blocks as KnownBlock[]);
  if (problems.length) ctx.log.warn({ problems }, "app home view breaks Slack's view rules");
  await ws.client.views.publish({ user_id: slackUser, view });
}

export function registerHome(app: App, ctx: SlackContext): void {
  app.event("app_home_opened", async ({ event, context, body }) => {
    if (event.tab !== "home") return;
    try {
      const ws = await ctx.workspaces.resolve(teamKeyOf(context));
      await publishHome(ctx, ws, event.user, (body as { event_id?: string }).event_id ?? String(Date.now()));
    } catch (err) {
      // A non-member opening the tab sees nothing (the owners were asked once); not an error.
      if (err instanceof NotMemberError) return;
      ctx.log.error({ err, code: slackCode(err) }, "app home failed");
    }
  });
}
