import { plural } from "../../kernel/text.js";
/**
 * Learned calibration: win rates and cycle times per stage, win rates per owner, and payment delays
 * per customer, from the tenant's own closed deals and paid invoices. Every estimate is shrunk toward
 * a prior (empirical Bayes) so thin history moves it a little and rich history a lot; every estimate
 * carries its sample size so the assumptions report can say how much it rests on.
 */
import type { StageRule } from "./types.js";

/** The history the calibration reads (loaded by `loadCalibrationHistory`). */
export interface CalibrationHistory {
  /** Closed deals with every stage they passed through. */
  closed: { dealId: string; status: "won" | "lost"; ownerUserId: string | null; stageIds: string[] }[];
  /** Completed stays in a stage (the deal left it), in whole days. */
  stays: { stageId: string; days: number }[];
  /** Fully paid invoices: days from due date to the final payment (negative = paid early). */
  paid: { customer: string; lateDays: number }[];
}

export interface StageCalibration {
  stageId: string;
  name: string;
  configuredProbability: number;
  configuredCycleDays: number;
  /** Closed deals that passed through the stage, and how many of them were won. */
  closed: number;
  won: number;
  /** Completed stays behind the cycle estimate. */
  stays: number;
  medianStayDays: number | null;
  /** What the simulation uses: the shrunk estimates. */
  probability: number;
  cycleDays: number;
  /** Empirical stays (days) the simulation resamples; empty = lognormal around `cycleDays`. */
  staySamples: number[];
  source: "history" | "configured";
}

export interface CustomerDelay {
  n: number;
  meanLateDays: number;
  /** Mean shrunk toward the tenant's mean. */
  shrunkMeanLateDays: number;
  samples: number[];
}

export interface Calibration {
  stages: StageCalibration[];
  /** Won ÷ closed over all closed deals; null without any. */
  pipelineWinRate: number | null;
  closedDeals: number;
  /** Owner win-rate multipliers (shrunk owner rate ÷ pipeline rate) with their sample sizes. */
  owners: Map<string, { n: number; won: number; multiplier: number }>;
  delays: {
    n: number;
    samples: number[];
    medianLateDays: number | null;
    byCustomer: Map<string, CustomerDelay>;
  };
  /** Prior strengths (pseudo-observations) used for the shrinkage, for the report. */
  prior: { stageWin: number; cycle: number; customer: number; owner: number };
  /** Below this many observations an estimate is reported as resting on the configured default. */
  minSample: number;
}

export const CALIBRATION_PRIOR = { stageWin: 10, cycle: 5, customer: 3 } as const;
export const MIN_SAMPLE = 5;

const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

/**
 * Between-group prior strength by the method of moments (beta-binomial): how many pseudo-observations
 * the pooled rate is worth, given how much the groups' rates vary beyond binomial noise. Bounded so a
 * handful of groups can neither ignore the pool nor be swamped by it.
 */
export function priorStrength(groups: readonly { n: number; k: number }[], pooled: number): number {
  const used = groups.filter((g) => g.n > 0);
  if (used.length < 2 || pooled <= 0 || pooled >= 1) return 20;
  const rates = used.map((g) => g.k / g.n);
  const between = mean(rates.map((r) => (r - pooled) ** 2));
  const noise = mean(used.map((g) => (pooled * (1 - pooled)) / g.n));
  const tau2 = between - noise;
  if (tau2 <= 1e-6) return 200;
  return Math.min(200, Math.max(2, (pooled * (1 - pooled)) / tau2 - 1));
}

/** Fits the calibration. Pure: the same history and stages give the same result. */
export function calibrate(history: CalibrationHistory, stages: readonly StageRule[]): Calibration {
  const won = history.closed.filter((d) => d.status === "won").length;
  const pipelineWinRate = history.closed.length ? won / history.closed.length : null;

  const out: StageCalibration[] = stages.map((s) => {
    const passed = history.closed.filter((d) => d.stageIds.includes(s.id));
    const w = passed.filter((d) => d.status === "won").length;
    const stays = history.stays.filter((x) => x.stageId === s.id).map((x) => Math.max(0, x.days));
    const med = median(stays);
    // Invoiced, won and lost stages keep their configured probability: once invoiced the risk is the
    // payment's (modelled by the delays), and terminal stages have nothing left to win.
    const learnWin = !s.isInvoiced && !s.isWon && !s.isLost;
    const kW = CALIBRATION_PRIOR.stageWin;
    const probability = learnWin ? (w + kW * s.probability) / (passed.length + kW) : s.probability;
    const kC = CALIBRATION_PRIOR.cycle;
    const cycleDays =
      med === null ? s.cycleDays : Math.round((stays.length * med + kC * s.cycleDays) / (stays.length + kC));
    return {
      stageId: s.id,
      name: s.name,
      configuredProbability: s.probability,
      configuredCycleDays: s.cycleDays,
      closed: passed.length,
      won: w,
      stays: stays.length,
      medianStayDays: med,
      probability: Math.min(0.999, Math.max(0.001, probability)),
      cycleDays,
      staySamples: stays.length >= MIN_SAMPLE ? stays : [],
      source: (learnWin ? passed.length : stays.length) >= MIN_SAMPLE ? "history" : "configured",
    };
  });

  // Owners: win rate shrunk toward the pipeline's, as a multiplier on stage probabilities.
  const byOwner = new Map<string, { n: number; k: number }>();
  for (const d of history.closed) {
    if (!d.ownerUserId) continue;
    const g = byOwner.get(d.ownerUserId) ?? { n: 0, k: 0 };
    g.n++;
    if (d.status === "won") g.k++;
    byOwner.set(d.ownerUserId, g);
  }
  const kO = pipelineWinRate === null ? 0 : priorStrength([...byOwner.values()], pipelineWinRate);
  const owners = new Map<string, { n: number; won: number; multiplier: number }>();
  if (pipelineWinRate)
    for (const [id, g] of byOwner) {
      const shrunk = (g.k + kO * pipelineWinRate) / (g.n + kO);
      owners.set(id, { n: g.n, won: g.k, multiplier: shrunk / pipelineWinRate });
    }

  // Payment delays per customer, shrunk toward the tenant's mean.
  const all = history.paid.map((p) => p.lateDays);
  const tenantMean = mean(all);
  const byCustomer = new Map<string, CustomerDelay>();
  const groups = new Map<string, number[]>();
  for (const p of history.paid) {
    const key = p.customer.trim().toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), p.lateDays]);
  }
  const kD = CALIBRATION_PRIOR.customer;
  for (const [c, xs] of groups) {
    const m = mean(xs);
    byCustomer.set(c, {
      n: xs.length,
      meanLateDays: m,
      shrunkMeanLateDays: (xs.length * m + kD * tenantMean) / (xs.length + kD),
      samples: xs,
    });
  }

  return {
    stages: out,
    pipelineWinRate,
    closedDeals: history.closed.length,
    owners,
    delays: { n: all.length, samples: all, medianLateDays: median(all), byCustomer },
    prior: { ...CALIBRATION_PRIOR, owner: Math.round(kO) },
    minSample: MIN_SAMPLE,
  };
}

/** Stage settings whose learned value differs materially from the configured one (≥ 5 observations). */
export function calibrationProposals(c: Calibration): {
  stageId: string;
  name: string;
  probability?: { from: number; to: number; n: number };
  cycleDays?: { from: number; to: number; n: number };
}[] {
  const out = [];
  for (const s of c.stages) {
    const p =
      s.closed >= MIN_SAMPLE && Math.abs(s.probability - s.configuredProbability) >= 0.1
        ? { from: s.configuredProbability, to: Math.round(s.probability * 100) / 100, n: s.closed }
        : undefined;
    const cyc =
      s.stays >= MIN_SAMPLE &&
      Math.abs(s.cycleDays - s.configuredCycleDays) >= Math.max(3, 0.3 * s.configuredCycleDays)
        ? { from: s.configuredCycleDays, to: s.cycleDays, n: s.stays }
        : undefined;
    if (p || cyc) out.push({ stageId: s.stageId, name: s.name, probability: p, cycleDays: cyc });
  }
  return out;
}

/** One line per learned figure with its sample size, for the assumptions report. */
export function describeCalibration(c: Calibration): string[] {
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const lines: string[] = [];
  const learned = c.stages.filter((s) => s.closed > 0 || s.stays > 0);
  lines.push(
    c.closedDeals
      ? `Win rates learned from ${c.closedDeals} closed deals (${pct(c.pipelineWinRate ?? 0)} won overall), each stage's shrunk toward its configured probability with the weight of ${plural(c.prior.stageWin, "deal")}: ` +
          learned
            .filter((s) => s.closed > 0)
            .map(
              (s) =>
                `${s.name} ${pct(s.probability)} (${s.won}/${s.closed}, configured ${pct(s.configuredProbability)})`,
            )
            .join("; ") +
          "."
      : "No closed deals yet: stage probabilities are the configured ones.",
  );
  const cyc = learned.filter((s) => s.stays > 0);
  lines.push(
    cyc.length
      ? `Cycle times learned from completed stays (median, shrunk toward the configured days with the weight of ${plural(c.prior.cycle, "stay")}): ` +
          cyc
            .map(
              (s) =>
                `${s.name} ${s.cycleDays} d (median ${s.medianStayDays} d of ${s.stays}, configured ${s.configuredCycleDays} d)`,
            )
            .join("; ") +
          "."
      : "No completed stage stays yet: cycle times are the configured ones.",
  );
  if (c.owners.size)
    lines.push(
      `Owner effect: each owner's win rate shrunk toward the pipeline's with the weight of ${plural(c.prior.owner, "deal")}; multipliers ` +
        [...c.owners.values()].map((o) => `${o.multiplier.toFixed(2)} (${o.won}/${o.n})`).join(", ") +
        ". Deal size is not modelled.",
    );
  lines.push(
    c.delays.n
      ? `Payment delays from ${c.delays.n} paid invoices: median ${c.delays.medianLateDays} d after the due date; per customer where they have history, shrunk toward the tenant with the weight of ${plural(c.prior.customer, "invoice")}.`
      : "No paid invoices yet: payments are assumed on their due date.",
  );
  return lines;
}

/** One line for the assumptions report; the per-stage detail is `describeCalibration` (in the reply data). */
export function summarizeCalibration(c: Calibration): string {
  const stays = c.stages.reduce((n, s) => n + s.stays, 0);
  const learned = c.stages.filter((s) => s.source === "history").length;
  return (
    `Learned from this company's history (each estimate shrunk toward the configured value): win rates from ${c.closedDeals} closed deals, ` +
    `cycle times from ${stays} completed stage stays (${learned} of ${c.stages.length} stages rest on enough data), ` +
    `payment delays from ${c.delays.n} paid invoices${c.delays.medianLateDays !== null ? ` (median ${c.delays.medianLateDays} d late)` : ""}.`
  );
}
