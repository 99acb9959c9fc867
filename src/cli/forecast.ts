import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import {
  type ForecastOptions,
  type ForecastResult,
  forecast,
  type ParsedSeries,
  parseSeriesCsv,
} from "../core/features/forecast/index.js";
import type { Result } from "../core/kernel/errors.js";
import { readInputFile } from "./input-file.js";

const USAGE = `Usage: keel forecast FILE --horizon H [--season M] [--json] [--concurrency N] [--models LIST]
  FILE: CSV with series_id,t,value[,split]; rows with split=test are not used for fitting.
  --season M       seasonal period (12 monthly, 7 daily, 4 quarterly); detected when omitted
  --json           one JSON object per series per line
  --concurrency N  worker threads (default: number of CPUs)
  --models LIST    candidate models, e.g. "combo,theta,ets" (default: the tuned set)
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Message to a worker. */
export interface ForecastJob {
  index: number;
  values: (number | null)[];
  opts: ForecastOptions;
}
/** Message back from a worker. */
export interface ForecastReply {
  index: number;
  result: Result<ForecastResult>;
}

function positiveInt(raw: string | undefined, name: string): number | string | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  return Number.isInteger(v) && v >= 1 ? v : `--${name} must be a whole number of at least 1 (got "${raw}")`;
}

/**
 * `keel forecast FILE --horizon H [--season M] [--json] [--concurrency N]`: forecasts every series in
 * a CSV. Returns the exit code: 0 when all series were processed (series that cannot be forecast are
 * reported, not fatal), 2 for bad arguments or a bad file.
 */
export async function forecastCommand(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    io.stderr.write(`keel forecast: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const horizon = positiveInt(values.horizon, "horizon");
  const season = positiveInt(values.season, "season");
  const concurrency = positiveInt(values.concurrency, "concurrency") ?? availableParallelism();
  for (const v of [horizon, season, concurrency]) {
    if (typeof v === "string") {
      io.stderr.write(`keel forecast: ${v}\n`);
      return 2;
    }
  }
  if (!file || horizon === undefined) {
    io.stderr.write(USAGE);
    return 2;
  }
  const text = await readInputFile(io, "forecast", file);
  if (text === null) return 2;
  const csv = parseSeriesCsv(text);
  if (!csv.ok) {
    io.stderr.write(`keel forecast: ${file}: ${csv.reason}\n`);
    return 2;
  }
  const opts: ForecastOptions = {
    horizon: horizon as number,
    ...(season !== undefined ? { season: season as number } : {}),
    ...(values.models ? { models: values.models.split(/,(?![^(]*\))/).map((s) => s.trim()) } : {}),
  };
  const series = csv.value;
  const progress = makeProgress(io.stderr, series.length);
  const printer = makePrinter(io.stdout, series, values.json ?? false);
  await runAll(series, opts, Math.min(concurrency as number, series.length), io.stderr, (index, result) => {
    printer(index, result);
    progress();
  });
  progress(true);
  return 0;
}

function parseCli(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      horizon: { type: "string", short: "h" },
      season: { type: "string", short: "s" },
      json: { type: "boolean" },
      concurrency: { type: "string", short: "c" },
      models: { type: "string" },
      help: { type: "boolean" },
    },
  });
}

/** Prints results in input order even when workers finish out of order. */
function makePrinter(
  out: NodeJS.WritableStream,
  series: ParsedSeries[],
  json: boolean,
): (index: number, r: Result<ForecastResult>) => void {
  const done = new Map<number, Result<ForecastResult>>();
  let next = 0;
  const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4));
  const line = (s: ParsedSeries, r: Result<ForecastResult>): string => {
    if (json) {
      if (!r.ok) return JSON.stringify({ series_id: s.id, ok: false, reason: r.reason });
      const v = r.value;
      const num = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);
      return JSON.stringify({
        series_id: s.id,
        ok: true,
        model: v.model,
        season: v.season,
        forecast: v.forecast.map(num),
        lower80: v.lower80.map(num),
        upper80: v.upper80.map(num),
        lower95: v.lower95.map(num),
        upper95: v.upper95.map(num),
        backtest_smape: num(v.backtest.smape),
        backtest_mase: v.backtest.mase === null ? null : num(v.backtest.mase),
      });
    }
    if (!r.ok) return `${s.id}: cannot forecast — ${r.reason}`;
    const v = r.value;
    const err = Number.isFinite(v.backtest.smape)
      ? `backtest sMAPE ${v.backtest.smape.toFixed(1)} %`
      : "no backtest (short history)";
    return `${s.id}: ${v.model}, ${err}\n  forecast ${v.forecast.map(fmt).join(" ")}`;
  };
  return (index, r) => {
    done.set(index, r);
    while (done.has(next)) {
      out.write(`${line(series[next] as ParsedSeries, done.get(next) as Result<ForecastResult>)}\n`);
      done.delete(next);
      next++;
    }
  };
}

/** A bar on a terminal; elsewhere (logs, CI) a line every ~10 % so output stays readable. */
function makeProgress(err: NodeJS.WritableStream, total: number): (final?: boolean) => void {
  const tty = (err as { isTTY?: boolean }).isTTY === true;
  let done = 0;
  let lastPct = 0;
  return (final = false) => {
    if (final) {
      if (tty && total > 0) err.write("\n");
      return;
    }
    done++;
    if (tty) {
      const width = 30;
      const fill = Math.round((done / total) * width);
      err.write(`\r[${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${total} series`);
    } else {
      const pct = Math.floor((done / total) * 10) * 10;
      if (total >= 20 && pct > lastPct) {
        lastPct = pct;
        err.write(`forecast: ${done}/${total} series (${pct} %)\n`);
      }
    }
  };
}

async function runAll(
  series: ParsedSeries[],
  opts: ForecastOptions,
  concurrency: number,
  err: NodeJS.WritableStream,
  onResult: (index: number, r: Result<ForecastResult>) => void,
): Promise<void> {
  // Indices already answered by the pool, so an in-process fallback does not repeat them.
  const handled = new Set<number>();
  if (concurrency > 1) {
    const pool = startPool(concurrency);
    if (pool) {
      try {
        await runInPool(pool, series, opts, (index, r) => {
          handled.add(index);
          onResult(index, r);
        });
        return;
      } catch (e) {
        // A worker died (e.g. tsx could not be loaded): finish the remaining series in-process.
        err.write(
          `keel forecast: worker threads unavailable (${(e as Error).message.split("\n")[0]}); continuing in-process\n`,
        );
      } finally {
        await Promise.all(pool.map((w) => w.terminate()));
      }
    }
  }
  for (const [index, s] of series.entries()) {
    if (handled.has(index)) continue;
    onResult(index, await forecast(s.values, opts));
  }
}

function startPool(size: number): Worker[] | null {
  try {
    // Compiled (dist/): the worker is plain JavaScript next to this file.
    if (import.meta.url.endsWith(".js"))
      return Array.from({ length: size }, () => new Worker(new URL("./forecast-worker.js", import.meta.url)));
    // From source: workers do not inherit tsx's hooks, and `--import tsx` in execArgv is not enough on
    // Node 24 (its native type stripping loads the .ts file but cannot map our `.js` imports to
    // `.ts`), so a tiny bootstrap registers tsx first, as bin/keel.mjs does, then loads the worker.
    const api = import.meta.resolve("tsx/esm/api");
    const workerUrl = new URL("./forecast-worker.ts", import.meta.url).href;
    const boot = `(async () => { const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(workerUrl)}); })();`;
    return Array.from({ length: size }, () => new Worker(boot, { eval: true }));
  } catch {
    return null;
  }
}

function runInPool(
  pool: Worker[],
  series: ParsedSeries[],
  opts: ForecastOptions,
  onResult: (index: number, r: Result<ForecastResult>) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let nextJob = 0;
    let finished = 0;
    const feed = (w: Worker): void => {
      if (nextJob >= series.length) return;
      const index = nextJob++;
      const job: ForecastJob = { index, values: (series[index] as ParsedSeries).values, opts };
      w.postMessage(job);
    };
    for (const w of pool) {
      w.on("message", (reply: ForecastReply) => {
        onResult(reply.index, reply.result);
        finished++;
        if (finished === series.length) resolve();
        else feed(w);
      });
      w.on("error", reject);
      feed(w);
    }
  });
}
