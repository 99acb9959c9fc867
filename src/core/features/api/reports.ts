import type { Deps } from "../../deps.js";
import { usageReport } from "../../infra/llm/index.js";
import { AppError } from "../../kernel/errors.js";
import { decimalAmount } from "../../kernel/format.js";
import type { Reply } from "../../ports/reply.js";
import { type Actor, canReadMetric } from "../auth/index.js";
import { balanceDay, balanceOnReply, cashflowReport } from "../cashflow/index.js";
import {
  accessFor,
  approveDraft,
  type DraftRow,
  draftVisibleTo,
  getDraft,
  isPending,
  pendingDrafts,
  rejectDraft,
} from "../drafts/index.js";
import { forecastMetricReply } from "../forecast/index.js";

/** The API's channel name for the approval policy and the drafts history ("via api"). */
export const API_CHANNEL = "api";

function draftOut(d: DraftRow, access: { approve: { ok: boolean }; reject: boolean }) {
  const p = d.policy as { amountMinor?: unknown; currency?: unknown };
  return {
    id: d.id,
    number: d.seq,
    kind: d.kind,
    status: d.status,
    subject_type: d.subjectType,
    subject_id: d.subjectId,
    subject: d.subject,
    body: d.body,
    channel: d.target.channel,
    amount: typeof p.amountMinor === "number" ? decimalAmount(p.amountMinor) : null,
    currency: typeof p.currency === "string" ? p.currency : null,
    created_at: d.createdAt.toISOString(),
    expires_at: d.expiresAt?.toISOString() ?? null,
    can_approve: access.approve.ok,
    can_reject: access.reject,
  };
}
export type DraftOut = ReturnType<typeof draftOut>;

/** Pending drafts (the same list as `drafts` in chat), each with what this caller may do with it. */
export async function listPendingDrafts(deps: Deps, actor: Actor): Promise<DraftOut[]> {
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const rows = (await pendingDrafts(tx, now)).filter(draftVisibleTo(actor));
    const access = await accessFor(tx, actor, API_CHANNEL, now);
    return rows.map((d) => draftOut(d, access(d)));
  });
}

export async function getDraftOut(deps: Deps, actor: Actor, ref: string): Promise<DraftOut> {
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx) => {
    const d = await getDraft(tx, ref);
    if (!d || !draftVisibleTo(actor)(d)) throw new AppError("not_found", `No draft ${ref}.`);
    const access = isPending(d.status)
      ? (await accessFor(tx, actor, API_CHANNEL, now))(d)
      : { approve: { ok: false }, reject: false };
    return draftOut(d, access);
  });
}

/** What a decision through the API came to: the same use case and policy as every chat button. */
export type DecisionResult =
  | { ok: true; draft: DraftOut; message: string }
  | { ok: false; code: "not_found" | "forbidden" | "conflict" | "confirm_required"; message: string };

function decisionOf(reply: Reply): DecisionResult | null {
  const meta = (reply.meta ?? {}) as { draftId?: string; status?: string; confirmResend?: number };
  if (!meta.draftId) return { ok: false, code: "not_found", message: reply.text };
  if (reply.outcome?.kind === "refused") return { ok: false, code: "forbidden", message: reply.text };
  if (meta.confirmResend !== undefined) return { ok: false, code: "confirm_required", message: reply.text };
  return null;
}

/**
 * The draft a decision through the API may act on — one the caller may see, still pending — or
 * why not (not found, forbidden, conflict: already decided). Approve and reject ask the same.
 */
async function decidableDraft(
  deps: Deps,
  actor: Actor,
  ref: string,
): Promise<{ ok: true; draft: DraftOut } | Extract<DecisionResult, { ok: false }>> {
  const d = await deps.db.tenantTx(actor.tenantId, (tx) => getDraft(tx, ref));
  if (!d) return { ok: false, code: "not_found", message: `No draft ${ref}.` };
  if (!draftVisibleTo(actor)(d))
    return { ok: false, code: "forbidden", message: "Your role may not decide on this draft." };
  const draft = await getDraftOut(deps, actor, ref);
  if (!isPending(draft.status))
    return { ok: false, code: "conflict", message: `Draft #${draft.number} is already ${draft.status}.` };
  return { ok: true, draft };
}

export async function approveViaApi(
  deps: Deps,
  actor: Actor,
  ref: string,
  confirm: boolean,
): Promise<DecisionResult> {
  const open = await decidableDraft(deps, actor, ref);
  if (!open.ok) return open;
  const before = open.draft;
  const { reply } = await approveDraft(deps, actor, before.id, { via: API_CHANNEL, confirm });
  const bad = decisionOf(reply);
  if (bad) return bad;
  const after = await getDraftOut(deps, actor, before.id);
  if (isPending(after.status)) return { ok: false, code: "conflict", message: reply.text };
  return { ok: true, draft: after, message: reply.text };
}

export async function rejectViaApi(
  deps: Deps,
  actor: Actor,
  ref: string,
  reason: string | undefined,
): Promise<DecisionResult> {
  const open = await decidableDraft(deps, actor, ref);
  if (!open.ok) return open;
  const before = open.draft;
  const reply = await rejectDraft(deps, actor, before.id, reason, { via: API_CHANNEL });
  if (reply.outcome?.kind === "refused") return { ok: false, code: "forbidden", message: reply.text };
  const after = await getDraftOut(deps, actor, before.id);
  if (after.status !== "rejected") return { ok: false, code: "conflict", message: reply.text };
  return { ok: true, draft: after, message: reply.text };
}

/**
 * The cash engine's balance for a day — the same call path as `cashflow on DATE` in chat (balanceDay →
 * cashflowReport → balanceOnReply), so the figures are equal by construction and by test.
 */
export async function cashOn(deps: Deps, actor: Actor, on: string) {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const day = balanceDay(on, today);
  if (!day.ok) throw new AppError("bad_input", day.message);
  const r = await cashflowReport(deps, actor.tenantId, {
    horizonDays: day.days,
    at: [day.on],
    userId: actor.userId,
  });
  const b = (balanceOnReply(r, day).meta as { balanceOn: Record<string, unknown> }).balanceOn;
  const o = r.outlook;
  return {
    on: day.on,
    currency: r.currency,
    kind: o.basis.openingMinor !== null ? ("balance" as const) : ("net_change" as const),
    p10_minor: b.p10 as number | null,
    p50_minor: b.p50 as number | null,
    p90_minor: b.p90 as number | null,
    probability_negative: b.probabilityNegative as number | null,
    cash_runway: b.cashRunway,
    expected_runway: b.expectedRunway,
    drivers: b.drivers,
  };
}

export async function metricForecast(deps: Deps, actor: Actor, metric: string, periods: number) {
  if (!canReadMetric(actor, metric))
    throw new AppError("forbidden", `Your role (${actor.role}) may not read the metric ${metric}.`);
  const reply = await forecastMetricReply(deps, actor, metric, periods, { chart: false });
  const m = reply.meta as
    | {
        metric: string;
        model: string;
        horizon: number;
        forecast: number[];
        lower80: number[];
        upper80: number[];
        lower95: number[];
        upper95: number[];
      }
    | undefined;
  if (!m?.forecast)
    throw new AppError(/no metric called/.test(reply.text) ? "not_found" : "conflict", reply.text);
  return {
    metric: m.metric,
    model: m.model,
    horizon: m.horizon,
    points: m.forecast.map((v, i) => ({
      step: i + 1,
      value: v,
      lower80: m.lower80[i] ?? null,
      upper80: m.upper80[i] ?? null,
      lower95: m.lower95?.[i] ?? null,
      upper95: m.upper95?.[i] ?? null,
    })),
    summary: reply.text,
  };
}

export async function usageFor(deps: Deps, actor: Actor, month?: string) {
  const m = month ?? deps.clock.now().toISOString().slice(0, 7);
  const { tenantId: _t, ...report } = await usageReport(deps.db, actor.tenantId, m);
  return report;
}
