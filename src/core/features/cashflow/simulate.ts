/**
 * Monte Carlo over the cash position: each path decides which open deals are won (stage win rate),
 * when they are invoiced (the rules' date stretched by a cycle-time draw), when each invoice is paid
 * (terms plus a payment delay drawn from the customer's history, else the tenant's), and what is
 * burnt each month. Seeded, so the same inputs give the same answer all day; every item consumes the
 * same number of draws whatever happens to it, so two runs that differ in one deal (a scenario) stay
 * on common random numbers and their difference is the scenario's effect, not noise.
 */
import { randNormal } from "../../kernel/random.js";

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

/**
 * Payment-delay pools flattened into one sorted array with offsets, so the per-draw work is index
 * arithmetic instead of map lookups (the bench's 10,000 × 700 draws made those the cost).
 */
interface Pools {
  xs: Float64Array;
  /** Pool k occupies xs[start[k] .. start[k] + len[k]); pool 0 is the tenant's. */
  start: Int32Array;
  len: Int32Array;
  /** Weight of the customer's own history vs the tenant's (0 for the tenant pool). */
  w: Float64Array;
  index: Map<string, number>;
}

function buildPools(delays: SimDelays): Pools {
  const lists: Float64Array[] = [sorted(delays.samples)];
  const w = [0];
  const index = new Map<string, number>();
  for (const [k, v] of delays.byCustomer) {
    index.set(k, lists.length);
    lists.push(sorted(v.samples));
    w.push(v.n / (v.n + delays.prior));
  }
  const start = new Int32Array(lists.length);
  const len = new Int32Array(lists.length);
  let total = 0;
  lists.forEach((l, k) => {
    start[k] = total;
    len[k] = l.length;
    total += l.length;
  });
  const xs = new Float64Array(total);
  lists.forEach((l, k) => {
    xs.set(l, start[k]!);
  });
  return { xs, start, len, w: Float64Array.from(w), index };
}

/** First position in pool k whose delay is > overdue (0 when nothing is overdue). */
function fromIndex(pools: Pools, k: number, overdue: number): number {
  if (overdue <= 0) return 0;
  return upperBound(pools.xs.subarray(pools.start[k]!, pools.start[k]! + pools.len[k]!), overdue);
}

export function simulateCash(input: SimInput): SimResult {
  // mulberry32 (kernel/random.ts) inlined, same sequence: as an imported closure the ~29M draws of
  // the benchmark were a quarter of the run time.
  let state = input.seed >>> 0;
  const rng = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const last = Math.max(input.runwayDays, ...input.checkpoints, 1);
  const pools = buildPools(input.delays);
  const { xs: poolXs, start: poolStart, len: poolLen } = pools;

  /**
   * Days late for an invoice `overdue` days past due, drawn given it has not been paid yet: from the
   * customer's own pool with probability w, else the tenant's. `from*` are the precomputed first
   * positions beyond `overdue` in each pool.
   */
  const lateness = (
    own: number,
    fromOwn: number,
    fromTenant: number,
    overdue: number,
    u1: number,
    u2: number,
  ): number => {
    const useOwn = own > 0 && u1 < pools.w[own]!;
    const k = useOwn ? own : 0;
    const n = poolLen[k]!;
    if (n === 0) return overdue > 0 ? overdue + Math.floor(-UNSEEN_LATENESS_MEAN_DAYS * Math.log(1 - u2)) : 0;
    const from = useOwn ? fromOwn : fromTenant;
    if (from >= n) return overdue + Math.floor(-UNSEEN_LATENESS_MEAN_DAYS * Math.log(1 - u2));
    return poolXs[poolStart[k]! + from + Math.floor(u2 * (n - from))]!;
  };

  // Items as columns of typed arrays, resolved once (customer pool, overdue offsets).
  const nDeals = input.deals.length;
  const dValue = Float64Array.from(input.deals, (d) => d.valueMinor);
  const dWin = Float64Array.from(input.deals, (d) => d.winProbability);
  const dInvoice = Float64Array.from(input.deals, (d) => d.invoiceDay);
  const dTerms = Float64Array.from(input.deals, (d) => d.termsDays);
  const dPool = Int32Array.from(input.deals, (d) => pools.index.get(d.customerKey) ?? 0);
  const nRec = input.receivables.length;
  const rAmount = Float64Array.from(input.receivables, (r) => r.outstandingMinor);
  const rDue = Float64Array.from(input.receivables, (r) => r.dueDay);
  const rOverdue = Float64Array.from(input.receivables, (r) => Math.max(0, -r.dueDay));
  const rPool = Int32Array.from(input.receivables, (r) => pools.index.get(r.customerKey) ?? 0);
  const rFromOwn = Int32Array.from(input.receivables, (r, j) =>
    rPool[j]! > 0 ? fromIndex(pools, rPool[j]!, Math.max(0, -r.dueDay)) : 0,
  );
  const rFromTenant = Int32Array.from(input.receivables, (r) => fromIndex(pools, 0, Math.max(0, -r.dueDay)));

  const paths = input.paths;
  const nCk = input.checkpoints.length;
  const atCk = new Float64Array(nCk * paths);
  const ckIndex = new Int32Array(last + 1).fill(-1);
  input.checkpoints.forEach((d, i) => {
    if (d >= 0 && d <= last) ckIndex[d] = i;
  });
  const firstNegative = new Int32Array(paths);
  const arrivals = new Int32Array(nDeals + nRec);
  const inflow = new Float64Array(last + 1);
  const months = Math.ceil(last / DAYS_PER_MONTH) + 1;
  const dailyBurn = new Float64Array(months);
  const monthOfDay = new Int32Array(last + 1);
  for (let d = 1; d <= last; d++) monthOfDay[d] = Math.floor((d - 1) / DAYS_PER_MONTH);
  const sigma = input.timingSigma;
  const horizon = input.horizonDays;

  for (let p = 0; p < paths; p++) {
    inflow.fill(0);
    for (let i = 0; i < nDeals; i++) {
      // Every deal consumes the same five draws whether won or not (common random numbers); the
      // normal (randNormal's Box–Muller, inlined) is only evaluated for a won deal.
      const uWin = rng();
      const zu = rng();
      const zv = rng();
      const u1 = rng();
      const u2 = rng();
      if (uWin >= dWin[i]!) continue;
      const z = Math.sqrt(-2 * Math.log(Math.max(zu, 1e-12))) * Math.cos(2 * Math.PI * zv);
      const invoiceDay = Math.max(1, Math.round(dInvoice[i]! * Math.exp(sigma * z)));
      const day = Math.max(invoiceDay, invoiceDay + dTerms[i]! + lateness(dPool[i]!, 0, 0, 0, u1, u2));
      if (day <= last) inflow[day | 0]! += dValue[i]!;
      if (day <= horizon) arrivals[i]!++;
    }
    for (let j = 0; j < nRec; j++) {
      const u1 = rng();
      const u2 = rng();
      const day = Math.max(
        1,
        rDue[j]! + lateness(rPool[j]!, rFromOwn[j]!, rFromTenant[j]!, rOverdue[j]!, u1, u2),
      );
      if (day <= last) inflow[day | 0]! += rAmount[j]!;
      if (day <= horizon) arrivals[nDeals + j]!++;
    }
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
    if (ckIndex[0]! >= 0) atCk[ckIndex[0]! * paths + p] = balance;
    for (let d = 1; d <= last; d++) {
      balance += inflow[d]! - dailyBurn[monthOfDay[d]!]!;
      if (neg > last && balance < 0) neg = d;
      const ci = ckIndex[d]!;
      if (ci >= 0) atCk[ci * paths + p] = balance;
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
