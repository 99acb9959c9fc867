/**
 * Learned stage settings as an approval card for the owner: `calibration` turns the calibration's
 * proposals (win rate or cycle days that differ materially from the configured ones, with ≥ 5
 * observations) into pending rows — one per stage, refreshed when the learned value moves, not
 * re-proposed after a rejection of the same value — and shows them with Approve / Reject per stage.
 * A decision takes the row lock, so a double click or two approvers decide once; approving writes
 * the stage and a `stage_setting_changes` row per field (who, when, from → to, why).
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import {
  calibrationProposals,
  type ProposedChange,
  stageSettingChanges,
  stages,
  users,
} from "../../infra/db/schema/index.js";
import { bold } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import type { Action, Reply, Section } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { calibrate, calibrationProposals as proposalsOf } from "./calibration.js";
import { loadCalibrationHistory, loadStageRules } from "./queries.js";

type Changes = { probability?: ProposedChange; cycleDays?: ProposedChange };
type Row = typeof calibrationProposals.$inferSelect;

const pct = (x: number) => `${Math.round(x * 100)} %`;
const same = (a?: ProposedChange, b?: ProposedChange) =>
  (!a && !b) || (a !== undefined && b !== undefined && a.from === b.from && a.to === b.to);
const sameChanges = (a: Changes, b: Changes) =>
  same(a.probability, b.probability) && same(a.cycleDays, b.cycleDays);

export function describeChanges(c: Changes): string {
  const parts: string[] = [];
  if (c.probability)
    parts.push(
      `win probability ${pct(c.probability.from)} → ${pct(c.probability.to)} (learned from ${plural(c.probability.n, "closed deal")})`,
    );
  if (c.cycleDays)
    parts.push(
      `typical days in stage ${c.cycleDays.from} → ${c.cycleDays.to} (learned from ${plural(c.cycleDays.n, "completed stay")})`,
    );
  return parts.join("; ");
}

/** Brings the pending proposals in line with today's calibration; returns the pending rows with stage names. */
async function refresh(tx: Tx, tenantId: string): Promise<(Row & { stageName: string })[]> {
  // One refresh at a time per tenant: the per-tenant numbers (seq) stay unique.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`calibration:${tenantId}`}, 0))`);
  const stageRules = await loadStageRules(tx);
  const learned = proposalsOf(calibrate(await loadCalibrationHistory(tx), stageRules));
  const existing = await tx.select().from(calibrationProposals).orderBy(desc(calibrationProposals.seq));
  let seq = existing[0]?.seq ?? 0;
  for (const p of learned) {
    const changes: Changes = {
      ...(p.probability ? { probability: p.probability } : {}),
      ...(p.cycleDays ? { cycleDays: p.cycleDays } : {}),
    };
    const forStage = existing.filter((e) => e.stageId === p.stageId);
    const pending = forStage.find((e) => e.status === "pending");
    if (pending && sameChanges(pending.changes, changes)) continue;
    // The owner said no to exactly this: not asked again until the learned value moves.
    if (!pending && forStage.some((e) => e.status === "rejected" && sameChanges(e.changes, changes)))
      continue;
    if (pending)
      await tx
        .update(calibrationProposals)
        .set({ status: "superseded" })
        .where(eq(calibrationProposals.id, pending.id));
    await tx.insert(calibrationProposals).values({ tenantId, seq: ++seq, stageId: p.stageId, changes });
  }
  // A pending proposal the data no longer supports is withdrawn.
  const still = new Set(learned.map((p) => p.stageId));
  for (const e of existing)
    if (e.status === "pending" && !still.has(e.stageId))
      await tx
        .update(calibrationProposals)
        .set({ status: "superseded" })
        .where(eq(calibrationProposals.id, e.id));
  const rows = await tx
    .select({ p: calibrationProposals, stageName: stages.name })
    .from(calibrationProposals)
    .innerJoin(stages, eq(stages.id, calibrationProposals.stageId))
    .where(eq(calibrationProposals.status, "pending"))
    .orderBy(calibrationProposals.seq);
  return rows.map((r) => ({ ...r.p, stageName: r.stageName }));
}

/** `calibration`: the pending learned stage settings as one card, Approve / Reject per stage. */
export async function calibrationCard(deps: Deps, actor: Actor): Promise<Reply> {
  const pending = await deps.db.tenantTx(actor.tenantId, (tx) => refresh(tx, actor.tenantId));
  if (pending.length === 0)
    return {
      text: "No stage settings to change: the learned win rates and stage times are close to the configured ones, or rest on fewer than 5 observations (see `cashflow` → assumptions).",
      meta: { pending: 0 },
    };
  const sections: Section[] = pending.map((p) => ({
    title: `#${p.seq} ${p.stageName}`,
    text: describeChanges(p.changes),
  }));
  const actions: Action[] = pending.flatMap((p) => [
    {
      id: `cal-approve-${p.seq}`,
      label: `Approve #${p.seq} ${p.stageName}`,
      style: "primary" as const,
      intent: {
        kind: "calibration.decide" as const,
        proposalRef: String(p.seq),
        decision: "approve" as const,
      },
    },
    {
      id: `cal-reject-${p.seq}`,
      label: `Reject #${p.seq}`,
      style: "danger" as const,
      intent: {
        kind: "calibration.decide" as const,
        proposalRef: String(p.seq),
        decision: "reject" as const,
      },
    },
  ]);
  return {
    text: `${bold("Learned stage settings")} — ${plural(pending.length, "change")} from your own closed deals, waiting for your approval. Approving updates the stage (the change is recorded); rejecting keeps the configured value.`,
    sections,
    actions,
    sources: [
      {
        label: "Calibration",
        detail:
          "won ÷ closed deals per stage and median completed stays, shrunk toward the configured values (10 deals / 5 stays); proposed when ≥ 5 observations and the change is ≥ 10 points or ≥ 30 % of the days",
      },
    ],
    meta: {
      pending: pending.length,
      proposals: pending.map((p) => ({ seq: p.seq, stageId: p.stageId, changes: p.changes })),
    },
  };
}

/** Approve or reject one proposal, exactly once (row lock; a decided one answers with who decided). */
export async function decideCalibration(
  deps: Deps,
  actor: Actor,
  ref: string,
  decision: "approve" | "reject",
): Promise<Reply> {
  const seq = Number(ref.replace(/^#/, ""));
  if (!Number.isInteger(seq) || seq <= 0)
    return {
      text: `"${ref}" is not a proposal number; \`calibration\` lists them.`,
      outcome: { kind: "usage-error", command: "calibration" },
    };
  const now = deps.clock.now();
  return deps.db.tenantTx(actor.tenantId, async (tx): Promise<Reply> => {
    const [row] = await tx
      .select({ p: calibrationProposals, stage: stages })
      .from(calibrationProposals)
      .innerJoin(stages, eq(stages.id, calibrationProposals.stageId))
      .where(eq(calibrationProposals.seq, seq))
      .for("update", { of: calibrationProposals });
    if (!row) return { text: `No stage-setting proposal #${seq}; \`calibration\` lists the pending ones.` };
    const { p, stage } = row;
    if (p.status !== "pending") {
      const by = p.decidedBy
        ? (await tx.select({ name: users.name }).from(users).where(eq(users.id, p.decidedBy)))[0]?.name
        : undefined;
      return {
        text: `Proposal #${seq} (${stage.name}) is already ${p.status}${by ? ` by ${by}` : ""}${p.decidedAt ? ` on ${p.decidedAt.toISOString().slice(0, 10)}` : ""}; nothing changed.`,
        meta: { proposal: seq, status: p.status },
      };
    }
    if (decision === "reject") {
      await tx
        .update(calibrationProposals)
        .set({ status: "rejected", decidedBy: actor.userId, decidedAt: now })
        .where(eq(calibrationProposals.id, p.id));
      return {
        text: `Rejected #${seq}: ${stage.name} keeps its configured settings. It is not proposed again unless the learned value moves.`,
        outcome: { kind: "decided", decision: "rejected", by: actor.name },
        meta: { proposal: seq, status: "rejected" },
      };
    }
    // The stage was edited since the proposal was made (pipeline apply, another approval): ask again.
    const stale =
      (p.changes.probability && Math.abs(p.changes.probability.from - stage.probability) > 1e-9) ||
      (p.changes.cycleDays && p.changes.cycleDays.from !== stage.cycleDays);
    if (stale) {
      await tx
        .update(calibrationProposals)
        .set({ status: "superseded" })
        .where(eq(calibrationProposals.id, p.id));
      return {
        text: `${stage.name}'s settings changed since proposal #${seq} was made, so it was withdrawn; \`calibration\` shows a fresh one if the data still supports it.`,
        outcome: { kind: "refused" },
        meta: { proposal: seq, status: "superseded" },
      };
    }
    const set: { probability?: number; cycleDays?: number } = {};
    const history: (typeof stageSettingChanges.$inferInsert)[] = [];
    const base = {
      tenantId: actor.tenantId,
      stageId: stage.id,
      proposalId: p.id,
      changedBy: actor.userId,
      changedAt: now,
    };
    if (p.changes.probability) {
      set.probability = p.changes.probability.to;
      history.push({
        ...base,
        field: "probability",
        fromValue: p.changes.probability.from,
        toValue: p.changes.probability.to,
        reason: `calibration #${seq}: learned from ${p.changes.probability.n} closed deals`,
      });
    }
    if (p.changes.cycleDays) {
      set.cycleDays = p.changes.cycleDays.to;
      history.push({
        ...base,
        field: "cycle_days",
        fromValue: p.changes.cycleDays.from,
        toValue: p.changes.cycleDays.to,
        reason: `calibration #${seq}: learned from ${p.changes.cycleDays.n} completed stays`,
      });
    }
    await tx.update(stages).set(set).where(eq(stages.id, stage.id));
    await tx.insert(stageSettingChanges).values(history);
    await tx
      .update(calibrationProposals)
      .set({ status: "approved", decidedBy: actor.userId, decidedAt: now })
      .where(eq(calibrationProposals.id, p.id));
    deps.logger.info(
      { tenantId: actor.tenantId, stageId: stage.id, proposal: seq, fields: Object.keys(set) },
      "calibration proposal approved: stage settings updated",
    );
    return {
      text: `Approved #${seq}: ${stage.name} now uses ${describeChanges(p.changes).replace(/ → /g, " → ")}. Recorded in the stage's history.`,
      outcome: { kind: "decided", decision: "approved", by: actor.name },
      meta: { proposal: seq, status: "approved", stageId: stage.id, set },
    };
  });
}
