/**
 * A small Nelder–Mead minimiser (standard coefficients, shrink on failure). Deterministic: the start
 * simplex is built from fixed per-coordinate steps, so the same input always gives the same answer.
 */
export interface NelderMeadOptions {
  /** Initial step per coordinate (default 0.5 — the models optimise in unbounded logit space). */
  step?: number | readonly number[];
  maxEvals?: number;
  /** Stop when the spread of function values in the simplex falls below this (relative). */
  tol?: number;
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  opts: NelderMeadOptions = {},
): { x: number[]; value: number; evals: number } {
  const n = x0.length;
  const maxEvals = opts.maxEvals ?? 200 * Math.max(1, n);
  const tol = opts.tol ?? 1e-7;
  let evals = 0;
  const fx = (x: readonly number[]): number => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const stepOf = (i: number): number => {
    const s = opts.step ?? 0.5;
    return typeof s === "number" ? s : (s[i] ?? 0.5);
  };
  if (n === 0) return { x: [], value: fx([]), evals };

  const pts: number[][] = [[...x0]];
  for (let i = 0; i < n; i++) {
    const p = [...x0];
    p[i] = (p[i] as number) + stepOf(i);
    pts.push(p);
  }
  const vals = pts.map(fx);
  const order = pts.map((_, i) => i);

  while (evals < maxEvals) {
    order.sort((a, b) => (vals[a] as number) - (vals[b] as number));
    const best = order[0] as number;
    const worst = order[n] as number;
    const second = order[n - 1] as number;
    const fBest = vals[best] as number;
    const fWorst = vals[worst] as number;
    if (Number.isFinite(fWorst) && Math.abs(fWorst - fBest) <= tol * (Math.abs(fBest) + tol)) break;

    const centroid = new Array<number>(n).fill(0);
    for (const i of order.slice(0, n))
      for (let j = 0; j < n; j++)
        centroid[j] = (centroid[j] as number) + ((pts[i] as number[])[j] as number) / n;
    const wp = pts[worst] as number[];
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (c - (wp[j] as number)));

    const xr = along(1);
    const fr = fx(xr);
    if (fr < fBest) {
      const xe = along(2);
      const fe = fx(xe);
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
      continue;
    }
    if (fr < (vals[second] as number)) {
      pts[worst] = xr;
      vals[worst] = fr;
      continue;
    }
    const outside = fr < fWorst;
    const xc = along(outside ? 0.5 : -0.5);
    const fc = fx(xc);
    if (fc < (outside ? fr : fWorst)) {
      pts[worst] = xc;
      vals[worst] = fc;
      continue;
    }
    // Shrink every vertex towards the best one.
    const bp = pts[best] as number[];
    for (const i of order.slice(1)) {
      pts[i] = (pts[i] as number[]).map((v, j) => (bp[j] as number) + 0.5 * (v - (bp[j] as number)));
      vals[i] = fx(pts[i] as number[]);
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if ((vals[i] as number) < (vals[bi] as number)) bi = i;
  return { x: pts[bi] as number[], value: vals[bi] as number, evals };
}
