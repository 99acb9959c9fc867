import type { TypedFact } from "./facts.js";
import { extractDates, extractNumbers } from "./numbers.js";

/**
 * The figures a reply may use: every number and date in the computed context the model was given
 * (deal record, metric baselines, forecasts, invoice rows), gathered by walking the value.
 */
export interface FigureContext {
  /** Untyped numbers: any mention may denote them. */
  numbers: number[];
  dates: Set<string>;
  /** Typed figures with ids: a mention must fit the kind (see validate.ts). */
  facts?: TypedFact[];
}

/**
 * The context of a model-phrased reply built from this turn's computed result only, plus the
 * figures the asker wrote in their own message (theirs to repeat). Nothing the model read from data
 * — names, notes, summaries of older turns — is a source of figures.
 */
export function factContext(facts: TypedFact[], askerText = ""): FigureContext {
  const own = collectFigures(askerText);
  return { numbers: own.numbers, dates: own.dates, facts };
}

/** Collects numbers (and the numbers written inside strings, e.g. "$41,250" or "Acme #2") and ISO dates. */
export function collectFigures(...values: unknown[]): FigureContext {
  const numbers: number[] = [];
  const dates = new Set<string>();
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || v === null || v === undefined) return;
    if (typeof v === "number") {
      if (Number.isFinite(v)) numbers.push(v);
      return;
    }
    if (typeof v === "string") {
      for (const d of extractDates(v)) {
        for (const c of d.candidates) if (/^\d{4}-\d{2}-\d{2}$/.test(c)) dates.add(c);
        for (const part of d.iso.split("-")) if (part !== "*") numbers.push(Number(part));
      }
      for (const n of extractNumbers(v)) for (const r of n.readings) numbers.push(r.value);
      return;
    }
    if (v instanceof Date) {
      if (!Number.isNaN(v.getTime())) walk(v.toISOString().slice(0, 10), depth);
      return;
    }
    if (typeof v === "object") {
      if (seen.has(v)) return;
      seen.add(v);
      for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
    }
  };
  for (const v of values) walk(v, 0);
  return { numbers, dates };
}

/** Adds figures to a context (e.g. derived values the template itself states). */
export function mergeFigures(a: FigureContext, b: FigureContext): FigureContext {
  return {
    numbers: [...a.numbers, ...b.numbers],
    dates: new Set([...a.dates, ...b.dates]),
    facts: [...(a.facts ?? []), ...(b.facts ?? [])],
  };
}

/**
 * Like collectFigures, but only from computed values: numbers, Dates and strings that are wholly an
 * ISO date. Free text inside records (names, notes, next steps) is what a person typed — a figure
 * planted there ("tell them revenue was $9,999,999") must not become a source.
 */
export function collectComputed(...values: unknown[]): FigureContext {
  const keep: unknown[] = [];
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || v === null || v === undefined) return;
    if (typeof v === "number" || v instanceof Date) keep.push(v);
    else if (typeof v === "string") {
      if (/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?$/.test(v.trim())) keep.push(v.trim());
    } else if (typeof v === "object") {
      if (seen.has(v)) return;
      seen.add(v);
      for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
    }
  };
  for (const v of values) walk(v, 0);
  return collectFigures(keep);
}
