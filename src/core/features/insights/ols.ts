/**
 * Ordinary least squares by Householder QR (numerically safer than the normal equations, which
 * square the condition number of lagged, strongly autocorrelated regressors).
 */
export interface OlsFit {
  coef: number[];
  ssr: number;
  nobs: number;
  /** Number of regressors (columns of X, including any constant). */
  k: number;
}

/** Fits y = X·β + e. `rows` are observations; every row must have the same length. */
export function ols(rows: number[][], y: number[]): OlsFit {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  if (n !== y.length) throw new Error(`ols: ${n} rows but ${y.length} targets`);
  if (n < k) throw new Error(`ols: ${n} observations cannot fit ${k} coefficients`);
  // Column-major copy: Householder works column by column.
  const a: Float64Array[] = Array.from({ length: k }, (_, j) => Float64Array.from(rows, (r) => r[j] ?? 0));
  const b = Float64Array.from(y);
  const rDiag = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const col = a[j] as Float64Array;
    let norm = 0;
    for (let i = j; i < n; i++) norm = Math.hypot(norm, col[i] ?? 0);
    if (norm === 0) throw new Error("ols: regressors are linearly dependent");
    const alpha = (col[j] ?? 0) > 0 ? -norm : norm;
    // v = x − alpha·e1, stored in place of the column below the diagonal.
    col[j] = (col[j] ?? 0) - alpha;
    let vv = 0;
    for (let i = j; i < n; i++) vv += (col[i] ?? 0) ** 2;
    const apply = (target: Float64Array) => {
      let dot = 0;
      for (let i = j; i < n; i++) dot += (col[i] ?? 0) * (target[i] ?? 0);
      const s = (2 * dot) / vv;
      for (let i = j; i < n; i++) target[i] = (target[i] ?? 0) - s * (col[i] ?? 0);
    };
    for (let c = j + 1; c < k; c++) apply(a[c] as Float64Array);
    apply(b);
    rDiag[j] = alpha;
  }
  // Back-substitution on R β = Qᵀy (R's strict upper part sits in rows < j of later columns).
  const coef = new Array<number>(k).fill(0);
  for (let j = k - 1; j >= 0; j--) {
    let s = b[j] ?? 0;
    for (let c = j + 1; c < k; c++) s -= (a[c]?.[j] ?? 0) * (coef[c] ?? 0);
    coef[j] = s / (rDiag[j] ?? 1);
  }
  let ssr = 0;
  for (let i = k; i < n; i++) ssr += (b[i] ?? 0) ** 2;
  return { coef, ssr, nobs: n, k };
}
