/**
 * Monte Carlo over the cash position: each path decides which open deals are won (stage win rate),
 * when they are invoiced (the rules' date stretched by a cycle-time draw), when each invoice is paid
 * (terms plus a payment delay drawn from the customer's history, else the tenant's), and what is
 * burnt each month. Seeded, so the same inputs give the same answer all day; every item consumes the
 * same number of draws whatever happens to it, so two runs that differ in one deal (a scenario) stay
 * on common random numbers and their difference is the scenario's effect, not noise.
 */
import { mulberry32, randNormal } from "../../kernel/random.js";

export interface SimDeal {
  id: string;
  label: string;
  valueMinor: number;
  winProbability: number;
  /** Days from today to the rules' invoice date (≥ 1). */
  invoiceDay: number;
  termsDays: number;
  customerKey: string;
}

export interface SimReceivable {
  id: string;
  label: string;
  outstandingMinor: number;
  /** Days from today to the due date; ≤ 0 when already due or overdue. */
  dueDay: number;
  customerKey: string;
}

export interface SimDelays {
  /** Days late of past payments (tenant-wide). */
  samples: readonly number[];
  byCustomer: ReadonlyMap<string, { n: number; samples: readonly number[] }>;
  /** Pseudo-observations of the tenant pool when mixing with a customer's own history. */
  prior: number;
}

export interface SimInput {
  openingMinor: number;
  monthlyBurnMinor: number;
  /** Month-to-month standard deviation of the burn (0 = fixed). */
  burnSdMinor: number;
  deals: readonly SimDeal[];
  receivables: readonly SimReceivable[];
  delays: SimDelays;
  /** Spread (σ of log) of how long deals take relative to the rules' dates. */
  timingSigma: number;
  /** Days (from today) at which balances are summarised. */
  checkpoints: readonly number[];
  /** How far to look for the day cash first goes below zero. */
  runwayDays: number;
  /** Items arriving by this day are scored as drivers. */
  horizonDays: number;
  paths: number;
  seed: number;
}

export interface Band {
  day: number;
  p10: number;
  p50: number;
  p90: number;
  mean: number;
}

export interface Driver {
  id: string;
  label: string;
  kind: "deal" | "invoice";
  amountMinor: number;
  /** Share of paths in which the money arrives by the horizon. */
  pArrive: number;
  /** Standard deviation it adds to the balance at the horizon: amount × √(p(1−p)). */
  impactMinor: number;
}

export interface SimResult {
  paths: number;
  seed: number;
  bands: Band[];
  /** First day each path's balance is below zero, sorted; runwayDays + 1 = never within the window. */
  firstNegative: Int32Array;
  runwayDays: number;
  drivers: Driver[];
}

const DAYS_PER_MONTH = 365 / 12;
/** When nothing in the history was ever this late: an overdue invoice arrives after ~30 more days. */
const UNSEEN_LATENESS_MEAN_DAYS = 30;

function sorted(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Index of the first element > x in a sorted array. */
function upperBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function quantileSorted(xs: Float64Array | Int32Array, q: number): number {
  if (xs.length === 0) return Number.NaN;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}

export function simulateCash(input: SimInput): SimResult {
  const rng = mulberry32(input.seed);
  const last = Math.max(input.runwayDays, ...input.checkpoints, 1);
  const tenant = sorted(input.delays.samples);
  const customers = new Map<string, { w: number; xs: Float64Array }>();
  for (const [k, v] of input.delays.byCustomer)
    customers.set(k, { w: v.n / (v.n + input.delays.prior), xs: sorted(v.samples) });

  /** Days late for an invoice `overdue` days past due, drawn given it has not been paid yet. */
  const lateness = (customerKey: string, overdue: number, u1: number, u2: number): number => {
    const c = customers.get(customerKey);
    const pool = c && u1 < c.w ? c.xs : tenant;
    if (pool.length === 0)
      return overdue > 0 ? overdue + Math.floor(-UNSEEN_LATENESS_MEAN_DAYS * Math.log(1 - u2)) : 0;
    const from = overdue > 0 ? upperBound(pool, overdue) : 0;
    if (from >= pool.length) return overdue + Math.floor(-UNSEEN_LATENESS_MEAN_DAYS * Math.log(1 - u2));
    return pool[from + Math.floor(u2 * (pool.length - from))]!;
  };

  const nCk = input.checkpoints.length;
  const atCk = new Float64Array(nCk * input.paths);
  const ckIndex = new Int32Array(last + 1).fill(-1);
  input.checkpoints.forEach((d, i) => {
    if (d >= 0 && d <= last) ckIndex[d] = i;
  });
  const firstNegative = new Int32Array(input.paths);
  const items = input.deals.length + input.receivables.length;
  const arrivals = new Int32Array(items);
  const inflow = new Float64Array(last + 1);
  const months = Math.ceil(last / DAYS_PER_MONTH) + 1;
  const dailyBurn = new Float64Array(months);

  for (let p = 0; p < input.paths; p++) {
    inflow.fill(0);
    input.deals.forEach((d, i) => {
      const uWin = rng();
      const z = randNormal(rng);
      const u1 = rng();
      const u2 = rng();
      if (uWin >= d.winProbability) return;
      const invoiceDay = Math.max(1, Math.round(d.invoiceDay * Math.exp(input.timingSigma * z)));
      const day = Math.max(invoiceDay, invoiceDay + d.termsDays + lateness(d.customerKey, 0, u1, u2));
      if (day <= last) inflow[day]! += d.valueMinor;
      if (day <= input.horizonDays) arrivals[i]!++;
    });
    input.receivables.forEach((r, j) => {
      const u1 = rng();
      const u2 = rng();
      const overdue = Math.max(0, -r.dueDay);
      const day = Math.max(1, r.dueDay + lateness(r.customerKey, overdue, u1, u2));
      if (day <= last) inflow[day]! += r.outstandingMinor;
      if (day <= input.horizonDays) arrivals[input.deals.length + j]!++;
    });
    for (let m = 0; m < months; m++)
      dailyBurn[m] =
        Math.max(
          0,
          input.burnSdMinor > 0
            ? randNormal(rng, input.monthlyBurnMinor, input.burnSdMinor)
            : input.monthlyBurnMinor,
        ) / DAYS_PER_MONTH;
    let balance = input.openingMinor;
    let neg = balance < 0 ? 0 : last + 1;
    if (ckIndex[0]! >= 0) atCk[ckIndex[0]! * input.paths + p] = balance;
    for (let d = 1; d <= last; d++) {
      balance += inflow[d]! - dailyBurn[Math.floor((d - 1) / DAYS_PER_MONTH)]!;
      if (neg > last && balance < 0) neg = d;
      const ci = ckIndex[d]!;
      if (ci >= 0) atCk[ci * input.paths + p] = balance;
    }
    firstNegative[p] = neg;
  }

  const bands: Band[] = input.checkpoints.map((day, i) => {
    const col = atCk.slice(i * input.paths, (i + 1) * input.paths).sort();
    let sum = 0;
    for (const v of col) sum += v;
    return {
      day,
      p10: Math.round(quantileSorted(col, 0.1)),
      p50: Math.round(quantileSorted(col, 0.5)),
      p90: Math.round(quantileSorted(col, 0.9)),
      mean: Math.round(sum / col.length),
    };
  });
  const drivers: Driver[] = [
    ...input.deals.map((d, i) => ({
      id: d.id,
      label: d.label,
      kind: "deal" as const,
      amountMinor: d.valueMinor,
      n: arrivals[i]!,
    })),
    ...input.receivables.map((r, j) => ({
      id: r.id,
      label: r.label,
      kind: "invoice" as const,
      amountMinor: r.outstandingMinor,
      n: arrivals[input.deals.length + j]!,
    })),
  ]
    .map(({ n, ...x }) => {
      const q = n / input.paths;
      return { ...x, pArrive: q, impactMinor: Math.round(x.amountMinor * Math.sqrt(q * (1 - q))) };
    })
    .sort((a, b) => b.impactMinor - a.impactMinor || b.amountMinor - a.amountMinor);
  return {
    paths: input.paths,
    seed: input.seed,
    bands,
    firstNegative: firstNegative.sort(),
    runwayDays: last,
    drivers,
  };
}

/** Share of paths whose balance goes below zero on or before `day`. */
export function probabilityNegativeBy(r: SimResult, day: number): number {
  let lo = 0;
  let hi = r.firstNegative.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r.firstNegative[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo / (r.firstNegative.length || 1);
}

/** The median first day below zero, or null when more than half the paths stay above zero throughout. */
export function medianRunwayDays(r: SimResult): number | null {
  const m = quantileSorted(r.firstNegative, 0.5);
  return m > r.runwayDays ? null : Math.round(m);
}
