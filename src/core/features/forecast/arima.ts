import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ModelFn, ModelOutput } from "./models.js";
import { mean } from "./stats.js";

interface ArimaInstance {
  train(ts: number[]): ArimaInstance;
  predict(h: number): [number[], number[]];
  destroy(): void;
}
export type ArimaClass = new (opts: Record<string, number | boolean>) => ArimaInstance;

/** The loaded class plus where its console output goes. */
export interface ArimaRuntime {
  ARIMA: ArimaClass;
  /** Runs `fn` and returns what the WASM core printed meanwhile (never reaching stdout). */
  capture<T>(fn: () => T): { value: T; text: string };
}

// The WASM module compiles once per process; the promise is a cache, not application state.
let runtimePromise: Promise<ArimaRuntime> | null = null;

/**
 * Loads the `arima` package's WASM core. Preferred: instantiate the package's own Emscripten module
 * with `print`/`printErr` hooks, so its warnings and verbose summary (which we parse for the selected
 * order) never touch the console — this works in worker threads and under test runners that
 * intercept the console. Fallback: the public `arima/async` entry with process.stdout captured.
 */
export function loadArima(): Promise<ArimaRuntime> {
  runtimePromise ??= loadWithHooks().catch(loadPublic);
  return runtimePromise;
}

async function loadWithHooks(): Promise<ArimaRuntime> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("arima"));
  // Absolute paths: the package's export map only exposes "." and "./async".
  const factory = require(join(root, "wasm", "native-async.js")) as (
    opts: Record<string, unknown>,
  ) => Promise<unknown>;
  const wasmBinary = require(join(root, "wrapper", "native.bin.js")) as Uint8Array;
  const wrap = require(join(root, "load.js")) as (module: unknown) => ArimaClass;
  const sink: string[] = [];
  const print = (text: string): void => {
    sink.push(text);
  };
  const ARIMA = wrap(await factory({ wasmBinary, print, printErr: print }));
  return {
    ARIMA,
    capture<T>(fn: () => T) {
      sink.length = 0;
      const value = fn();
      return { value, text: sink.join("\n") };
    },
  };
}

async function loadPublic(): Promise<ArimaRuntime> {
  // `export =` of a promise: the namespace's default is the promise of the constructor.
  const mod: unknown = await import("arima/async");
  const value = (mod as { default?: unknown }).default ?? mod;
  return { ARIMA: (await value) as ArimaClass, capture: captureStdout };
}

/**
 * Runs `fn` with everything written to process.stdout captured instead of printed. Safe because the
 * WASM calls are synchronous: nothing else can write meanwhile.
 */
function captureStdout<T>(fn: () => T): { value: T; text: string } {
  const chunks: string[] = [];
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: fn(), text: chunks.join("") };
  } finally {
    process.stdout.write = original;
  }
}

interface Order {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
}

/** The package does not expose the selected order; its verbose summary does. */
function parseOrder(text: string): Order | null {
  const m = /ARIMA Seasonal Order : \(\s*(\d+),\s*(\d+),\s*(\d+)\)\s*\*\s*\((\d+),\s*(\d+),\s*(\d+)\)/.exec(
    text,
  );
  if (!m) return null;
  const [p, d, q, P, D, Q] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return { p, d, q, P, D, Q };
}

/**
 * Forecasts a model with differencing only (no AR/MA terms) by hand — the package's `predict` is wrong
 * for these (see the team's arima notes). Repeats the differencing equation forward; with one
 * difference the mean of the differenced series is kept as drift, as R's auto.arima would.
 */
export function differencingForecast(
  y: readonly number[],
  d: number,
  D: number,
  m: number,
  h: number,
): { forecast: number[]; sd: number[] } {
  // Difference: first seasonal (D times), then regular (d times).
  const ops: number[] = [...new Array<number>(D).fill(m), ...new Array<number>(d).fill(1)];
  const levels: number[][] = [[...y]];
  for (const lag of ops) {
    const prev = levels[levels.length - 1] as number[];
    levels.push(prev.slice(lag).map((v, i) => v - (prev[i] as number)));
  }
  const diffed = levels[levels.length - 1] as number[];
  const c = ops.length === 1 && diffed.length > 1 ? mean(diffed) : 0;
  const resid = diffed.map((v) => v - c);
  const sigma = Math.sqrt(mean(resid.map((r) => r * r)) || 0);
  // Integrate back: extend every level by h points, innermost first.
  const ext = levels.map((l) => [...l]);
  for (let i = 0; i < h; i++) {
    (ext[ext.length - 1] as number[]).push(c);
    for (let k = ops.length - 1; k >= 0; k--) {
      const lag = ops[k] as number;
      const upper = ext[k] as number[];
      const lower = ext[k + 1] as number[];
      upper.push((upper[upper.length - lag] as number) + (lower[lower.length - 1] as number));
    }
  }
  const forecast = (ext[0] as number[]).slice(y.length);
  // Variance of a random walk in the differenced domain (exact for the single-difference cases).
  const sd = forecast.map(
    (_, i) =>
      sigma *
      Math.sqrt(ops.length === 0 ? 1 : ops[0] === 1 && ops.length === 1 ? i + 1 : Math.floor(i / m) + 1),
  );
  return { forecast, sd };
}

/** AutoARIMA/SARIMA from the `arima` package with the seasonal period passed and its known bugs worked around. */
export function arimaModel({ ARIMA, capture }: ArimaRuntime): ModelFn {
  return (y, m, h): ModelOutput | null => {
    const s = m > 1 && y.length >= Math.max(2 * m + 2, 20) ? m : 0;
    if (y.length < 20) return null;
    let model: ArimaInstance | null = null;
    try {
      const { value, text } = capture(() => {
        model = new ARIMA({ auto: true, s, verbose: true }).train([...y]);
        return model.predict(h);
      });
      const order = parseOrder(text);
      if (!order) return null;
      const params = { ...order, s };
      const name = `ARIMA(${order.p},${order.d},${order.q})${s ? `(${order.P},${order.D},${order.Q})[${s}]` : ""}`;
      if (order.p + order.q + order.P + order.Q === 0) {
        const hand = differencingForecast(y, order.d, order.D, s || 1, h);
        return { name, ...hand, params };
      }
      const [pred, variance] = value;
      if (pred.length !== h || pred.some((v) => !Number.isFinite(v))) return null;
      const sd = variance.every((v) => Number.isFinite(v) && v >= 0)
        ? variance.map((v) => Math.sqrt(v))
        : null;
      return { name, forecast: pred, sd, params };
    } catch {
      return null;
    } finally {
      (model as ArimaInstance | null)?.destroy();
    }
  };
}
