import { and, eq, gte, inArray } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { draftEvents, drafts } from "../../infra/db/schema/index.js";
import { editDistance } from "../../kernel/text.js";

export interface PromptApprovalMetrics {
  /** "draft.followup_email@2", or "template:en" for templated drafts. */
  promptVersion: string;
  drafted: number;
  approvedWithoutEdit: number;
  approvedAfterEdit: number;
  rejected: number;
  expired: number;
  pending: number;
  /** approved / decided (approved + rejected + expired); null when nothing was decided. */
  approvalRate: number | null;
  /** Share of approved drafts sent exactly as the model (or template) wrote them. */
  untouchedRate: number | null;
  /** Mean character edit distance between the drafted and the final text, over edited drafts. */
  meanEditDistance: number | null;
  /** Mean edit distance relative to the longer text (0 = unchanged, 1 = rewritten). */
  meanEditRatio: number | null;
}

const APPROVED = new Set(["approved", "scheduled", "sent"]);

/**
 * How people judged the drafts each prompt version wrote: approved untouched, approved after edits
 * (with edit distance), rejected, expired. For `keel usage --prompts` and prompt reviews.
 */
export async function approvalMetricsByPromptVersion(
  deps: Deps,
  tenantId: string,
  opts: { since?: Date } = {},
): Promise<PromptApprovalMetrics[]> {
  const rows = await deps.db.tenantTx(tenantId, async (tx) => {
    const list = await tx
      .select({
        id: drafts.id,
        promptVersion: drafts.promptVersion,
        status: drafts.status,
        body: drafts.body,
      })
      .from(drafts)
      .where(opts.since ? gte(drafts.createdAt, opts.since) : undefined);
    const ids = list.map((d) => d.id);
    const edits = ids.length
      ? await tx
          .select({ draftId: draftEvents.draftId, detail: draftEvents.detail, n: draftEvents.n })
          .from(draftEvents)
          .where(and(inArray(draftEvents.draftId, ids), eq(draftEvents.event, "edited")))
          .orderBy(draftEvents.n)
      : [];
    return { list, edits };
  });
  const original = new Map<string, string>();
  for (const e of rows.edits)
    if (!original.has(e.draftId) && typeof e.detail.before === "string")
      original.set(e.draftId, e.detail.before);
  const acc = new Map<string, { m: PromptApprovalMetrics; dist: number[]; ratio: number[] }>();
  for (const d of rows.list) {
    const key = d.promptVersion ?? "unknown";
    let a = acc.get(key);
    if (!a) {
      a = {
        m: {
          promptVersion: key,
          drafted: 0,
          approvedWithoutEdit: 0,
          approvedAfterEdit: 0,
          rejected: 0,
          expired: 0,
          pending: 0,
          approvalRate: null,
          untouchedRate: null,
          meanEditDistance: null,
          meanEditRatio: null,
        },
        dist: [],
        ratio: [],
      };
      acc.set(key, a);
    }
    a.m.drafted++;
    const before = original.get(d.id);
    if (before !== undefined) {
      const dist = editDistance(before, d.body);
      a.dist.push(dist);
      a.ratio.push(dist / Math.max(1, before.length, d.body.length));
    }
    if (APPROVED.has(d.status)) before === undefined ? a.m.approvedWithoutEdit++ : a.m.approvedAfterEdit++;
    else if (d.status === "rejected") a.m.rejected++;
    else if (d.status === "expired") a.m.expired++;
    else a.m.pending++;
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  return [...acc.values()]
    .map(({ m, dist, ratio }) => {
      const approved = m.approvedWithoutEdit + m.approvedAfterEdit;
      const decided = approved + m.rejected + m.expired;
      return {
        ...m,
        approvalRate: decided ? approved / decided : null,
        untouchedRate: approved ? m.approvedWithoutEdit / approved : null,
        meanEditDistance: mean(dist),
        meanEditRatio: mean(ratio),
      };
    })
    .sort((a, b) => b.drafted - a.drafted || a.promptVersion.localeCompare(b.promptVersion));
}
