import { nelderMead } from "./nelder-mead.js";
import { linearFit, mean } from "./stats.js";

/** Error, trend and season forms of the ETS family (multiplicative trend is left out, as it is unstable). */
export interface EtsSpec {
  error: "A" | "M";
  trend: "N" | "A" | "Ad";
  season: "N" | "A" | "M";
}

export interface EtsFit {
  spec: EtsSpec;
  m: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** States after the last observation; `season[i]` applies to positions t ≡ i (mod m). */
  level: number;
  slope: number;
  season: number[];
  n: number;
  /** Residual variance (absolute for additive errors, relative for multiplicative ones). */
  sigma2: number;
  aicc: number;
}

export const etsName = (s: EtsSpec): string => `ETS(${s.error},${s.trend},${s.season})`;

const sigmoid = (u: number): number => 1 / (1 + Math.exp(-u));
const logit = (p: number): number => Math.log(p / (1 - p));
const EPS = 1e-4;

interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  l0: number;
  b0: number;
}

interface RunOut {
  nll: number;
  sse: number;
  level: number;
  slope: number;
  season: number[];
}

/** Runs the state-space recursions (R's `etscalc` form: the same updates serve both error types). */
function run(y: readonly number[], spec: EtsSpec, m: number, p: Params, s0: readonly number[]): RunOut {
  const n = y.length;
  const hasTrend = spec.trend !== "N";
  const phi = spec.trend === "Ad" ? p.phi : 1;
  const multE = spec.error === "M";
  const sAdd = spec.season === "A";
  const sMul = spec.season === "M";
  const s = [...s0];
  let l = p.l0;
  let b = hasTrend ? p.b0 : 0;
  let sse = 0;
  let sumLog = 0;
  const bRatio = p.alpha > 0 ? p.beta / p.alpha : 0;
  for (let t = 0; t < n; t++) {
    const yt = y[t] as number;
    const q = hasTrend ? l + phi * b : l;
    const si = t % m;
    const sv = sAdd || sMul ? (s[si] as number) : 0;
    const mu = sAdd ? q + sv : sMul ? q * sv : q;
    if (multE || sMul) {
      if (!(mu > 0) || !(q > 0)) return { nll: Number.POSITIVE_INFINITY, sse, level: l, slope: b, season: s };
    }
    const e = yt - mu;
    if (multE) {
      sse += (e / mu) ** 2;
      sumLog += Math.log(mu);
    } else sse += e * e;
    const dy = sAdd ? yt - sv : sMul ? yt / sv : yt;
    const lNew = q + p.alpha * (dy - q);
    if (hasTrend) b = phi * b + bRatio * (lNew - l - phi * b);
    if (sAdd) s[si] = sv + p.gamma * (yt - q - sv);
    else if (sMul) s[si] = sv + p.gamma * (yt / q - sv);
    l = lNew;
  }
  const nll = n * Math.log(Math.max(sse, 1e-300) / n) + 2 * sumLog;
  return { nll, sse, level: l, slope: b, season: s };
}

/** Heuristic start states (as R's `initstate`): decomposition of the first seasons, regression for level/trend. */
function initialStates(
  y: readonly number[],
  spec: EtsSpec,
  m: number,
): { l0: number; b0: number; s0: number[] } {
  let s0 = new Array<number>(Math.max(1, m)).fill(spec.season === "M" ? 1 : 0);
  let adj = [...y];
  if (spec.season !== "N") {
    const k = Math.min(y.length, 3 * m);
    const head = y.slice(0, k);
    const half = Math.floor(m / 2);
    const sums = new Array<number>(m).fill(0);
    const cnt = new Array<number>(m).fill(0);
    for (let t = half; t < k - half; t++) {
      let ma = 0;
      if (m % 2 === 0) {
        ma = 0.5 * ((head[t - half] as number) + (head[t + half] as number));
        for (let j = -half + 1; j < half; j++) ma += head[t + j] as number;
      } else for (let j = -half; j <= half; j++) ma += head[t + j] as number;
      ma /= m;
      const r = spec.season === "M" ? (head[t] as number) / ma : (head[t] as number) - ma;
      sums[t % m] = (sums[t % m] as number) + r;
      cnt[t % m] = (cnt[t % m] as number) + 1;
    }
    const fig = sums.map((v, i) =>
      (cnt[i] as number) ? v / (cnt[i] as number) : spec.season === "M" ? 1 : 0,
    );
    const avg = mean(fig);
    s0 = spec.season === "M" ? fig.map((f) => (avg > 0 ? f / avg : 1)) : fig.map((f) => f - avg);
    if (spec.season === "M" && s0.some((v) => !(v > 0))) s0 = new Array<number>(m).fill(1);
    adj = y.map((v, t) => (spec.season === "M" ? v / (s0[t % m] as number) : v - (s0[t % m] as number)));
  }
  const k = Math.min(adj.length, Math.max(10, 2 * m));
  const { intercept, slope } = linearFit(adj.slice(0, k));
  if (spec.trend === "N") return { l0: mean(adj.slice(0, k)), b0: 0, s0 };
  return { l0: intercept - slope, b0: slope, s0 };
}

export interface EtsFitOptions {
  /** Optimise the seasonal start states too (default true; false keeps the heuristic ones). */
  optimizeSeason?: boolean;
  maxEvals?: number;
}

/** Number of estimated quantities R counts for the information criteria. */
function parameterCount(spec: EtsSpec, m: number): number {
  let k = 2; // alpha, l0
  if (spec.trend !== "N") k += 2;
  if (spec.trend === "Ad") k += 1;
  if (spec.season !== "N") k += m; // gamma + (m - 1) free initial seasonal states
  return k + 1; // + sigma
}

/**
 * Fits one ETS model by minimising the likelihood (concentrated over sigma) with Nelder–Mead over the
 * smoothing parameters and the initial level/slope; seasonal start states stay at the heuristic.
 * Returns null when the model cannot be fitted to this data.
 */
export function fitEts(
  y: readonly number[],
  spec: EtsSpec,
  m: number,
  opts: EtsFitOptions = {},
): EtsFit | null {
  const n = y.length;
  const mm = spec.season === "N" ? 1 : m;
  if (spec.season !== "N" && (m <= 1 || n < 2 * m + 2)) return null;
  const positive = y.every((v) => v > 0);
  if ((spec.error === "M" || spec.season === "M") && !positive) return null;
  const k = parameterCount(spec, mm);
  if (n <= k + 1) return null;

  const init = initialStates(y, spec, mm);
  const hasTrend = spec.trend !== "N";
  const seasonal = spec.season !== "N";
  // Free seasonal start states (m - 1; the last keeps them normalised), optimised like R's `ets` does.
  const freeSeason = seasonal && (opts.optimizeSeason ?? true) ? mm - 1 : 0;
  const scaleL = Math.max(Math.abs(init.l0) * 0.05, 1e-8);
  const scaleB = Math.max(Math.abs(init.b0) * 0.5, scaleL * 0.05);
  const scaleS = spec.season === "M" ? 0.05 : Math.max(mean(init.s0.map(Math.abs)) * 0.2, scaleL * 0.2);
  const decode = (u: readonly number[]): { p: Params; s0: number[] } => {
    const alpha = EPS + (1 - 2 * EPS) * sigmoid(u[0] as number);
    const beta = hasTrend ? EPS + (alpha - 2 * EPS) * sigmoid(u[1] as number) : 0;
    const gamma = seasonal ? EPS + (1 - alpha - 2 * EPS) * sigmoid(u[2] as number) : 0;
    const phi = spec.trend === "Ad" ? 0.8 + 0.18 * sigmoid(u[3] as number) : 1;
    let s0 = init.s0;
    if (freeSeason) {
      s0 = init.s0.map((v, i) => (i < freeSeason ? v + (u[6 + i] as number) * scaleS : v));
      const last = mm - 1;
      const others = s0.slice(0, last).reduce((a, b) => a + b, 0);
      s0[last] = spec.season === "M" ? mm - others : -others;
    }
    return {
      p: {
        alpha,
        beta,
        gamma,
        phi,
        l0: init.l0 + (u[4] as number) * scaleL,
        b0: init.b0 + (u[5] as number) * scaleB,
      },
      s0,
    };
  };
  // Only the coordinates this model uses are optimised; the others stay at 0.
  const active = [
    0,
    ...(hasTrend ? [1] : []),
    ...(seasonal ? [2] : []),
    ...(spec.trend === "Ad" ? [3] : []),
    4,
    ...(hasTrend ? [5] : []),
    ...Array.from({ length: freeSeason }, (_, i) => 6 + i),
  ];
  const full = (v: readonly number[]): number[] => {
    const u = new Array<number>(6 + freeSeason).fill(0);
    active.forEach((idx, j) => {
      u[idx] = v[j] as number;
    });
    return u;
  };
  const start = active.map((idx) =>
    idx === 0
      ? logit(seasonal ? 0.2 : 0.3)
      : idx === 1
        ? logit(0.1)
        : idx === 2
          ? logit(0.05)
          : idx === 3
            ? logit(0.9)
            : 0,
  );
  const objective = (v: readonly number[]): number => {
    const d = decode(full(v));
    if (spec.season === "M" && d.s0.some((x) => !(x > 0))) return Number.POSITIVE_INFINITY;
    return run(y, spec, mm, d.p, d.s0).nll;
  };
  const opt = nelderMead(objective, start, {
    step: 1,
    maxEvals: opts.maxEvals ?? 150 * active.length,
    tol: 1e-8,
  });
  const { p, s0 } = decode(full(opt.x));
  const out = run(y, spec, mm, p, s0);
  if (!Number.isFinite(out.nll)) return null;
  const aic = out.nll + 2 * k;
  const aicc = aic + (2 * k * (k + 1)) / Math.max(1, n - k - 1);
  return {
    spec,
    m: mm,
    alpha: p.alpha,
    beta: p.beta,
    gamma: p.gamma,
    phi: p.phi,
    level: out.level,
    slope: out.slope,
    season: out.season,
    n,
    sigma2: out.sse / Math.max(1, n - k),
    aicc,
  };
}

/** Point forecasts h steps past the end of the fitted data. */
export function forecastEts(fit: EtsFit, h: number): number[] {
  const { spec, m } = fit;
  const out: number[] = [];
  let damp = 0;
  for (let i = 1; i <= h; i++) {
    damp += spec.trend === "Ad" ? fit.phi ** i : 1;
    const q = spec.trend === "N" ? fit.level : fit.level + damp * fit.slope;
    const sv = fit.season[(fit.n + i - 1) % m] as number;
    out.push(spec.season === "A" ? q + sv : spec.season === "M" ? q * sv : q);
  }
  return out;
}

/**
 * Forecast standard deviations per step. Exact for the linear (additive) models; for multiplicative
 * errors the same recursion is applied to the relative error and scaled by the point forecast, a
 * common first-order approximation.
 */
export function etsStdDev(fit: EtsFit, point: readonly number[]): number[] {
  const { spec, m } = fit;
  const out: number[] = [];
  let acc = 1;
  let damp = 0;
  for (let h = 1; h <= point.length; h++) {
    if (h > 1) {
      const j = h - 1;
      damp += spec.trend === "Ad" ? fit.phi ** j : 1;
      const c =
        fit.alpha +
        (spec.trend === "N" ? 0 : fit.beta * damp) +
        (spec.season !== "N" && j % m === 0 ? fit.gamma : 0);
      acc += c * c;
    }
    const v = fit.sigma2 * acc;
    out.push(spec.error === "M" ? Math.abs(point[h - 1] as number) * Math.sqrt(v) : Math.sqrt(v));
  }
  return out;
}

/** The model forms tried by automatic selection for this data (as R's `ets` defaults). */
export function etsCandidates(y: readonly number[], m: number): EtsSpec[] {
  const positive = y.every((v) => v > 0);
  const seasons: EtsSpec["season"][] =
    m > 1 && y.length >= 2 * m + 2 ? (positive ? ["N", "A", "M"] : ["N", "A"]) : ["N"];
  const out: EtsSpec[] = [];
  for (const error of positive ? (["A", "M"] as const) : (["A"] as const))
    for (const trend of ["N", "A", "Ad"] as const)
      for (const season of seasons) {
        if (error === "A" && season === "M") continue;
        out.push({ error, trend, season });
      }
  return out;
}

/**
 * Two-stage automatic ETS: every form is fitted with heuristic seasonal start states (cheap), then the
 * `refine` best by AICc are refitted with the seasonal start states optimised and the best kept.
 */
export function autoEtsRefined(y: readonly number[], m: number, refine = 3): EtsFit | null {
  const quick: EtsFit[] = [];
  for (const spec of etsCandidates(y, m)) {
    const fit = fitEts(y, spec, m, { optimizeSeason: false });
    if (fit && Number.isFinite(fit.aicc)) quick.push(fit);
  }
  quick.sort((a, b) => a.aicc - b.aicc);
  let best: EtsFit | null = null;
  for (const q of quick.slice(0, refine)) {
    const fit = q.spec.season === "N" ? q : fitEts(y, q.spec, m);
    if (fit && Number.isFinite(fit.aicc) && (!best || fit.aicc < best.aicc)) best = fit;
  }
  return best;
}

/** Automatic ETS: fits every admissible form and keeps the lowest AICc. */
export function autoEts(
  y: readonly number[],
  m: number,
  specs: EtsSpec[] = etsCandidates(y, m),
  opts: EtsFitOptions = {},
): EtsFit | null {
  let best: EtsFit | null = null;
  for (const spec of specs) {
    const fit = fitEts(y, spec, m, opts);
    if (fit && Number.isFinite(fit.aicc) && (!best || fit.aicc < best.aicc)) best = fit;
  }
  return best;
}
