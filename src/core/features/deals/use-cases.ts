import type { Deps } from "../../deps.js";
import { formatMoney } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import type { Reply } from "../../ports/reply.js";
import { type Actor, ownDealsOnly } from "../auth/index.js";
import { type DealFilter, listDeals } from "./queries.js";

export async function dealsListReply(
  deps: Deps,
  actor: Actor,
  args: { owner?: string; stage?: string; stuck?: boolean },
): Promise<Reply> {
  const filter: DealFilter = { stage: args.stage, stuck: args.stuck };
  const own = ownDealsOnly(actor);
  if (own && args.owner && args.owner !== "me")
    return {
      text: "Your role sees only your own deals; try `deals mine`.",
      ephemeral: true,
      meta: { refused: true },
    };
  if (args.owner === "me" || own) filter.ownerUserId = actor.userId;
  else if (args.owner) filter.ownerName = args.owner;
  const rows = await deps.db.tenantTx(actor.tenantId, (tx) => listDeals(tx, deps.clock.now(), filter));
  const currency = rows[0]?.currency ?? "USD";
  const total = rows.reduce((s, d) => s + d.valueMinor, 0);
  const weighted = rows.reduce((s, d) => s + d.valueMinor * d.probability, 0);
  const desc = [
    args.stuck ? "stuck" : "open",
    "deals",
    args.stage ? `in "${args.stage}"` : "",
    args.owner || own ? `owned by ${args.owner === "me" || own ? "you" : args.owner}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  if (rows.length === 0) return { text: `No ${desc}.`, meta: { count: 0 } };
  const lines = rows.map(
    (d) =>
      `• ${bold(d.name)} — ${formatMoney(d.valueMinor, d.currency)} · ${d.stageName} · ${d.ownerName ?? "unassigned"} · ${d.daysInStage} d${d.stuck ? " · stuck" : ""}`,
  );
  return {
    text: `${rows.length} ${desc}, total ${formatMoney(total, currency)} (weighted ${formatMoney(Math.round(weighted), currency)}).`,
    sections: [{ text: lines.join("\n") }],
    sources: [
      { label: "Pipeline", detail: "deals joined with stages; weighted = value × stage probability" },
    ],
    meta: {
      count: rows.length,
      totalMinor: total,
      weightedMinor: Math.round(weighted),
      dealIds: rows.map((d) => d.id),
    },
  };
}
