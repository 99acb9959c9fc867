import { and, desc, eq, gt } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { drafts } from "../../infra/db/schema/index.js";
import { formatMoney } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { accessFor, draftVisibleTo } from "./access.js";
import { approvalDelay, approvalDelayLine } from "./approval-delay.js";
import { draftAmount, draftReply } from "./reply.js";
import { type DraftRow, draftHistory, getDraft, pendingDrafts } from "./repository.js";
import { ago } from "./rules.js";

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");
const RECENT_EXPIRED_DAYS = 7;

/** `drafts`: what waits (amount, age, whether you may approve) and what expired in the last week. */
export async function listDraftsReply(deps: Deps, actor: Actor, via = "console"): Promise<Reply> {
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const visible = draftVisibleTo(actor);
    const rows = (await pendingDrafts(tx, now)).filter(visible);
    const expired = (
      await tx
        .select()
        .from(drafts)
        .where(
          and(
            eq(drafts.status, "expired"),
            gt(drafts.updatedAt, new Date(now.getTime() - RECENT_EXPIRED_DAYS * 86_400_000)),
          ),
        )
        .orderBy(desc(drafts.updatedAt))
        .limit(10)
    ).filter(visible);
    const access = await accessFor(tx, actor, via, now);
    const line = (d: (typeof rows)[number]) => {
      const a = access(d);
      const amount = draftAmount(d);
      return `• #${d.seq} ${d.subject ?? d.kind}${amount ? ` — ${amount}` : ""} (${d.status}, waiting ${ago(d.createdAt, now)}, expires ${d.expiresAt ? stamp(d.expiresAt) : "never"})${a.approve.ok ? "" : " — not yours to approve"}`;
    };
    const sections = [
      ...(rows.length ? [{ text: rows.map(line).join("\n") }] : []),
      ...(expired.length
        ? [
            {
              title: "Expired (nobody approved in time; nothing was sent)",
              text: expired
                .map((d) => `• #${d.seq} ${d.subject ?? d.kind} — expired ${stamp(d.updatedAt)}`)
                .join("\n"),
            },
          ]
        : []),
    ];
    return {
      text: rows.length
        ? `${plural(rows.length, "draft")} waiting for approval:`
        : "No drafts waiting for approval.",
      sections,
      meta: { draftIds: rows.map((d) => d.id), expiredIds: expired.map((d) => d.id) },
    };
  });
}

/** `drafts history N`: every step with who, when, from where, and each edit's line diff. */
export async function draftHistoryReply(deps: Deps, actor: Actor, ref: string): Promise<Reply> {
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await getDraft(tx, ref);
    if (!d || !draftVisibleTo(actor)(d)) return { text: `No draft ${ref}.` };
    const events = (await draftHistory(tx, d.id)).map((r) => ({ ...r.event, actorName: r.actorName }));
    const lines = events.map((e) => {
      const detail = e.detail as {
        reason?: unknown;
        via?: unknown;
        diff?: { removed?: string[]; added?: string[] };
        onBehalfOf?: unknown;
      };
      const who = e.actorName ? ` by ${e.actorName}` : e.actorUserId ? "" : " by Keel";
      const where = typeof detail.via === "string" ? ` via ${detail.via}` : "";
      const why = typeof detail.reason === "string" ? ` — ${detail.reason}` : "";
      const move = e.fromStatus && e.fromStatus !== e.toStatus ? ` (${e.fromStatus} → ${e.toStatus})` : "";
      const diff = detail.diff
        ? [
            // Words, not "-"/"+": those are Markdown list markers and every channel renders Markdown.
            ...(detail.diff.removed ?? []).filter((l) => l.trim()).map((l) => `    removed: ${l}`),
            ...(detail.diff.added ?? []).filter((l) => l.trim()).map((l) => `    added: ${l}`),
          ]
        : [];
      return [`• ${stamp(e.at)} UTC ${e.event}${who}${where}${why}${move}`, ...diff].join("\n");
    });
    return {
      text: `History of draft #${d.seq} (${d.status}):`,
      sections: [{ text: lines.join("\n") }],
      meta: {
        draftId: d.id,
        events: events.map((e) => ({
          event: e.event,
          from: e.fromStatus,
          to: e.toStatus,
          actor: e.actorUserId,
          actorName: e.actorName,
          at: e.at.toISOString(),
          detail: e.detail,
        })),
      },
    };
  });
}

export interface ApprovalsView {
  /** Pending drafts this person may act on (approve, edit or reject), newest first. */
  items: Reply[];
  /** Total pending in the tenant (some may be someone else's to decide). */
  pendingTotal: number;
  /** "3 drafts about $58,400 wait for approval; the oldest for 26 h." — or null when none wait. */
  summary: string | null;
  /** The week's approval delay line (approval-delay.ts), or null when nothing was decided. */
  delay: string | null;
}

/** Money waiting on approvals: totals per currency and the oldest wait, computed from the rows. */
export function waitingSummary(rows: readonly DraftRow[], now: Date): string | null {
  if (!rows.length) return null;
  const byCurrency = new Map<string, number>();
  for (const d of rows) {
    const p = d.policy as { amountMinor?: unknown; currency?: unknown };
    if (typeof p.amountMinor !== "number") continue;
    const c = typeof p.currency === "string" ? p.currency : "USD";
    byCurrency.set(c, (byCurrency.get(c) ?? 0) + p.amountMinor);
  }
  const oldest = rows.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
  const money = [...byCurrency].map(([c, m]) => formatMoney(m, c)).join(" + ");
  return `${plural(rows.length, "draft")}${money ? ` about ${money}` : ""} wait${rows.length === 1 ? "s" : ""} for approval; the oldest for ${ago(oldest.createdAt, now)}.`;
}

/**
 * The approvals part of a person's home view (Slack App Home, REST): each draft with its amount and
 * age and only the actions this person may take. Channels render it; none filters on its own.
 */
export async function approvalsView(deps: Deps, actor: Actor, via: string): Promise<ApprovalsView> {
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const rows = (await pendingDrafts(tx, now)).filter(draftVisibleTo(actor));
    const access = await accessFor(tx, actor, via, now);
    const items = rows
      .map((d) => ({ d, a: access(d) }))
      .filter(({ a }) => a.approve.ok || a.reject || a.edit)
      .map(({ d, a }) =>
        draftReply(d, `Draft #${d.seq}${d.subject ? ` — ${d.subject}` : ""}`, { access: a, now }),
      );
    const delay = approvalDelayLine(await approvalDelay(tx, now));
    return { items, pendingTotal: rows.length, summary: waitingSummary(rows, now), delay };
  });
}
