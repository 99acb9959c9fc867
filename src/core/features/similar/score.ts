/**
 * How alike two deals are, from their features (stage path, value, customer, owner, cycle) and a text
 * score computed in Postgres (pg_trgm on name/company, full-text rank on notes, embedding cosine when
 * configured). Pure: the same documents and text scores give the same neighbours.
 */
import { DAY_MS } from "../../kernel/format.js";

/** A deal as the similarity search reads it (loaded by `loadDealDocs`). */
export interface DealDoc {
  id: string;
  name: string;
  company: string | null;
  valueMinor: number;
  currency: string;
  status: "open" | "won" | "lost";
  ownerUserId: string | null;
  stageId: string;
  /** When the deal entered its current stage (for a closed deal: when it was won or lost). */
  stageEnteredAt: Date;
  /** Stage entries, oldest first. */
  path: { stageId: string; enteredAt: Date }[];
  /** Latest notes joined, newest first (for the embedding text). */
  notes: string;
}

/** Text similarity parts, each 0..1 (cosine clipped at 0); `embedding` absent without embeddings. */
export interface TextScore {
  trgm: number;
  fts: number;
  embedding?: number;
}

export interface SimilarityParts {
  stage: number;
  value: number;
  customer: number;
  owner: number;
  cycle: number;
  text: number;
}

/** Weights of the parts (sum 1): where the deal is in the pipeline matters most, then size and words. */
export const WEIGHTS: Readonly<SimilarityParts> = {
  stage: 0.25,
  value: 0.2,
  customer: 0.15,
  owner: 0.1,
  cycle: 0.1,
  text: 0.2,
};

const ratio = (a: number, b: number) => {
  const x = Math.max(0, a) + 1;
  const y = Math.max(0, b) + 1;
  return Math.min(x, y) / Math.max(x, y);
};

const jaccard = (a: ReadonlySet<string>, b: ReadonlySet<string>) => {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
};

const days = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / DAY_MS));

/** When `d` entered `stageId` (first time), or undefined. */
export function enteredStage(d: DealDoc, stageId: string): Date | undefined {
  if (d.stageId === stageId && !d.path.some((p) => p.stageId === stageId)) return d.stageEnteredAt;
  return d.path.find((p) => p.stageId === stageId)?.enteredAt;
}

const firstEntry = (d: DealDoc) => d.path[0]?.enteredAt ?? d.stageEnteredAt;

/** Combined text score: the mean of the parts present (fts rank is small, so it counts double, capped at 1). */
export function textScore(t: TextScore | undefined): number {
  if (!t) return 0;
  const parts = [t.trgm, Math.min(1, 2 * t.fts)];
  if (t.embedding !== undefined) parts.push(Math.max(0, t.embedding));
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}

/**
 * Similarity parts of a closed candidate to the target. Stage: half for having reached the target's
 * current stage, half the overlap of the stages passed before it. Cycle: how fast each got there
 * (days from first stage to the target's stage; the candidate's whole life when it never reached it).
 */
export function similarityParts(
  target: DealDoc,
  cand: DealDoc,
  text: TextScore | undefined,
  terminalStageIds: ReadonlySet<string>,
): SimilarityParts {
  const tSet = new Set([...target.path.map((p) => p.stageId), target.stageId]);
  const reachedAt = enteredStage(cand, target.stageId);
  const cPath = cand.path.map((p) => p.stageId).filter((s) => !terminalStageIds.has(s));
  const cut = reachedAt ? cPath.indexOf(target.stageId) : -1;
  const cSet = new Set(cut >= 0 ? cPath.slice(0, cut + 1) : cPath);
  const stage = (reachedAt ? 0.5 : 0) + 0.5 * jaccard(tSet, cSet);
  const tDays = days(firstEntry(target), target.stageEnteredAt);
  const cDays = days(firstEntry(cand), reachedAt ?? cand.stageEnteredAt);
  const sameCompany =
    Boolean(target.company?.trim()) &&
    target.company!.trim().toLowerCase() === cand.company?.trim().toLowerCase();
  return {
    stage,
    value: target.currency === cand.currency ? ratio(target.valueMinor, cand.valueMinor) : 0,
    customer: sameCompany ? 1 : 0,
    owner: target.ownerUserId !== null && target.ownerUserId === cand.ownerUserId ? 1 : 0,
    cycle: ratio(tDays, cDays),
    text: textScore(text),
  };
}

export function combine(p: SimilarityParts): number {
  return (
    WEIGHTS.stage * p.stage +
    WEIGHTS.value * p.value +
    WEIGHTS.customer * p.customer +
    WEIGHTS.owner * p.owner +
    WEIGHTS.cycle * p.cycle +
    WEIGHTS.text * p.text
  );
}

export interface Neighbour {
  id: string;
  name: string;
  status: "won" | "lost";
  valueMinor: number;
  currency: string;
  score: number;
  parts: SimilarityParts;
  /** The candidate passed through the target's current stage. */
  reached: boolean;
  /** Won and reached: days from entering the target's stage to closing. */
  daysFromStage: number | null;
  /** Won and reached: days from entering the target's stage to the first invoiced stage (else to closing). */
  daysToInvoice: number | null;
}

export interface NeighbourStats {
  won: number;
  lost: number;
  /** Neighbours that reached the target's stage, and how many of those were won. */
  reached: number;
  wonReached: number;
  medianDaysFromStage: number | null;
  medianDaysToInvoice: number | null;
  /** Won neighbours behind the timing medians. */
  timingN: number;
}

export const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

/** The k closed candidates most like the target, best first (ties: the more recent, then id). */
export function nearest(
  target: DealDoc,
  candidates: readonly DealDoc[],
  text: ReadonlyMap<string, TextScore>,
  opts: { k: number; terminalStageIds: ReadonlySet<string>; invoicedStageIds: ReadonlySet<string> },
): Neighbour[] {
  const scored = candidates
    .filter((c) => c.id !== target.id && c.status !== "open")
    .map((c) => {
      const parts = similarityParts(target, c, text.get(c.id), opts.terminalStageIds);
      return { c, parts, score: combine(parts) };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.c.stageEnteredAt.getTime() - a.c.stageEnteredAt.getTime() ||
        a.c.id.localeCompare(b.c.id),
    )
    .slice(0, opts.k);
  return scored.map(({ c, parts, score }) => {
    const at = enteredStage(c, target.stageId);
    const won = c.status === "won";
    const invoicedAt =
      at && c.path.find((p) => opts.invoicedStageIds.has(p.stageId) && p.enteredAt >= at)?.enteredAt;
    return {
      id: c.id,
      name: c.name,
      status: c.status as "won" | "lost",
      valueMinor: c.valueMinor,
      currency: c.currency,
      score: Math.round(score * 1000) / 1000,
      parts,
      reached: Boolean(at),
      daysFromStage: won && at ? days(at, c.stageEnteredAt) : null,
      daysToInvoice: won && at ? days(at, invoicedAt ?? c.stageEnteredAt) : null,
    };
  });
}

export function neighbourStats(ns: readonly Neighbour[]): NeighbourStats {
  const fromStage = ns.flatMap((n) => (n.daysFromStage === null ? [] : [n.daysFromStage]));
  const toInvoice = ns.flatMap((n) => (n.daysToInvoice === null ? [] : [n.daysToInvoice]));
  return {
    won: ns.filter((n) => n.status === "won").length,
    lost: ns.filter((n) => n.status === "lost").length,
    reached: ns.filter((n) => n.reached).length,
    wonReached: ns.filter((n) => n.reached && n.status === "won").length,
    medianDaysFromStage: median(fromStage),
    medianDaysToInvoice: median(toInvoice),
    timingN: fromStage.length,
  };
}

/**
 * The similar deals' evidence folded into one deal's win probability and days to invoice, shrunk
 * toward the calibrated values like the calibration itself: `priorWin` / `priorCycle` pseudo-observations
 * of the stage-level estimate against the neighbours that reached this stage.
 */
export function shrinkWithNeighbours(
  base: { winProbability: number; invoiceDay: number; daysInStage: number },
  s: NeighbourStats,
  prior: { win: number; cycle: number },
): { winProbability: number; invoiceDay: number } {
  const winProbability =
    s.reached > 0
      ? (s.wonReached + prior.win * base.winProbability) / (s.reached + prior.win)
      : base.winProbability;
  const invoiceDay =
    s.timingN > 0 && s.medianDaysToInvoice !== null
      ? Math.max(
          1,
          Math.round(
            (s.timingN * Math.max(1, s.medianDaysToInvoice - base.daysInStage) +
              prior.cycle * base.invoiceDay) /
              (s.timingN + prior.cycle),
          ),
        )
      : base.invoiceDay;
  return { winProbability: Math.min(0.999, Math.max(0.001, winProbability)), invoiceDay };
}
