import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  fSurvival,
  grangerCausality,
  logGamma,
  regularizedBeta,
} from "../../../src/core/features/insights/index.js";

const dir = fileURLToPath(new URL("../../fixtures/granger/", import.meta.url));

interface RefRow {
  pair: string;
  direction: "x->y" | "y->x";
  lag: number;
  nobs: number;
  ssr_F: number;
  ssr_F_p: number;
  df_num: number;
  df_denom: number;
}

const reference = JSON.parse(readFileSync(`${dir}granger_reference.json`, "utf8")) as { rows: RefRow[] };

function readPair(name: string): { x: number[]; y: number[] } {
  const lines = readFileSync(`${dir}${name}.csv`, "utf8").trim().split("\n").slice(1);
  const x: number[] = [];
  const y: number[] = [];
  for (const line of lines) {
    const [, xs, ys] = line.split(",");
    x.push(Number(xs));
    y.push(Number(ys));
  }
  return { x, y };
}

describe("Granger causality matches statsmodels 0.13.5 grangercausalitytests (ssr F-test)", () => {
  it.each(reference.rows.map((r) => [`${r.pair} ${r.direction} lag ${r.lag}`, r] as const))(
    "%s",
    (_, row) => {
      const { x, y } = readPair(row.pair);
      const [cause, effect] = row.direction === "x->y" ? [x, y] : [y, x];
      const res = grangerCausality(cause, effect, row.lag)[row.lag - 1];
      expect(res?.nobs).toBe(row.nobs);
      expect(res?.dfNum).toBe(row.df_num);
      expect(res?.dfDenom).toBe(row.df_denom);
      // F: relative 1e-9 (far inside the 1e-6 target); p: absolute 1e-9 and relative 1e-6 for tiny p.
      expect(Math.abs((res?.F ?? 0) - row.ssr_F) / row.ssr_F).toBeLessThan(1e-9);
      expect(Math.abs((res?.pValue ?? 0) - row.ssr_F_p)).toBeLessThan(1e-9);
      expect(Math.abs((res?.pValue ?? 0) - row.ssr_F_p) / row.ssr_F_p).toBeLessThan(1e-6);
    },
  );
});

describe("F distribution", () => {
  it("agrees with closed forms", () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    // I_x(1, 1) = x and I_x(a, 1) = x^a.
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.6, 3, 1)).toBeCloseTo(0.216, 14);
    // F(2, d2) has P(F > f) = (1 + 2f/d2)^(-d2/2).
    expect(fSurvival(3, 2, 10)).toBeCloseTo((1 + 0.6) ** -5, 14);
  });
});
