/**
 * M3 monthly benchmark: our forecaster vs R's forecast::ets / thetaf / auto.arima (run in the same
 * invocation, in a parallel R process) and the original competition submissions.
 *
 *   npx tsx bench/forecast/m3.ts [--limit N] [--sample K] [--validate] [--season M | --no-dates] [--arima] [--models combo,ets,...] [--no-r] [--r-cache FILE] [--no-wait] [--no-write]
 *
 * By default the forecaster gets each series' monthly dates (from the M3 start year/period) and
 * finds the seasonal period itself; `--season 12` passes the period explicitly, `--no-dates` gives it
 * neither, so the period must be read from the data.
 *
 * --validate never reads the test rows: it holds out the last 18 training points instead. Use it
 * to compare design choices; the plain run scores the real test rows.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ParsedSeries } from "../../src/core/features/forecast/index.js";
import { forecast, mase, maseScale, parseSeriesCsv, smape } from "../../src/core/features/forecast/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const DATA = "/work/shared/data/forecast";
const H = 18;
const M = 12;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(name);

interface Score {
  smape: number[];
  mase: number[];
  in80: number;
  in95: number;
  points: number;
  ms: number[];
}
const newScore = (): Score => ({ smape: [], mase: [], in80: 0, in95: 0, points: 0, ms: [] });
const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function score(
  s: Score,
  train: number[],
  actual: number[],
  f: number[],
  lo80?: number[],
  hi80?: number[],
  lo95?: number[],
  hi95?: number[],
): void {
  s.smape.push(smape(actual, f));
  const ms = mase(actual, f, maseScale(train, M));
  if (ms !== null) s.mase.push(ms);
  if (lo80 && hi80 && lo95 && hi95) {
    actual.forEach((a, i) => {
      s.points++;
      if (a >= (lo80[i] as number) && a <= (hi80[i] as number)) s.in80++;
      if (a >= (lo95[i] as number) && a <= (hi95[i] as number)) s.in95++;
    });
  }
}

function summary(s: Score): Record<string, number | null> {
  const r = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;
  return {
    series: s.smape.length,
    smape: r(avg(s.smape)),
    mase: r(avg(s.mase)),
    coverage80: s.points ? r((100 * s.in80) / s.points, 1) : null,
    coverage95: s.points ? r((100 * s.in95) / s.points, 1) : null,
    msPerSeries: s.ms.length ? r(avg(s.ms), 1) : null,
  };
}

/** Monthly dates of each series from the meta file's start year and period. */
function loadStarts(): Map<string, { year: number; month: number }> {
  const lines = readFileSync(join(DATA, "m3-monthly-dev-meta.csv"), "utf8").trim().split("\n");
  const head = (lines[0] as string).split(",");
  const col = (name: string) => head.indexOf(name);
  const out = new Map<string, { year: number; month: number }>();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    out.set(f[col("series_id")] as string, {
      year: Number(f[col("start_year")]),
      month: Number(f[col("start_period")]),
    });
  }
  return out;
}

function monthlyDates(start: { year: number; month: number }, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const k = start.month - 1 + i;
    // Series of unknown start begin in year 1 (written 0001 in ISO dates).
    return `${String(start.year + Math.floor(k / 12)).padStart(4, "0")}-${String((k % 12) + 1).padStart(2, "0")}-01`;
  });
}

function loadSeries(
  validate: boolean,
  limit: number,
): { id: string; train: number[]; test: number[]; dates: string[] }[] {
  const parsed = parseSeriesCsv(readFileSync(join(DATA, "m3-monthly-dev.csv"), "utf8"));
  if (!parsed.ok) throw new Error(parsed.reason);
  const starts = loadStarts();
  return parsed.value.slice(0, limit).map((s: ParsedSeries) => {
    const all = s.values.map((v) => v ?? Number.NaN);
    const train = validate ? all.slice(0, -H) : all;
    const test = validate ? all.slice(-H) : s.test.map((v) => v ?? Number.NaN);
    const start = starts.get(s.id);
    if (!start) throw new Error(`${s.id}: no start date in the meta file`);
    return { id: s.id, train, test, dates: monthlyDates(start, train.length) };
  });
}

function runR(series: { id: string; train: number[] }[], outFile: string): Promise<void> {
  const input = join(mkdtempSync(join(tmpdir(), "keel-m3-")), "train.csv");
  const rows = ["series_id,t,value,split"];
  for (const s of series) {
    s.train.forEach((v, i) => {
      rows.push(`${s.id},${i + 1},${v},train`);
    });
  }
  writeFileSync(input, `${rows.join("\n")}\n`);
  return new Promise((resolve, reject) => {
    const p = spawn("Rscript", [join(here, "r-baselines.R"), input, outFile, String(H), String(M)], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`Rscript exited with ${code}`))));
  });
}

/**
 * A cache file may still be being written by an R process started separately (same machine, same
 * time: the fair comparison); wait until its last series' last auto.arima step is in, at most 60 min.
 */
async function waitForComplete(file: string, lastId: string): Promise<void> {
  const deadline = Date.now() + 60 * 60_000;
  while (Date.now() < deadline) {
    const tail = readFileSync(file, "utf8").trimEnd().split("\n").pop() ?? "";
    if (tail.startsWith(`auto.arima,${lastId},${H},`)) return;
    console.error(`waiting for R baselines in ${file} …`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

async function main(): Promise<void> {
  const validate = flag("--validate");
  const limit = Number(arg("--limit") ?? 714);
  const models = arg("--models")?.split(/,(?![^(]*\))/);
  const season = arg("--season") === undefined ? undefined : Number(arg("--season"));
  const noDates = flag("--no-dates");
  const withArima = flag("--arima");
  const sample = Number(arg("--sample") ?? 1);
  // --sample K keeps every K-th series (all types, for design comparisons on a busy machine).
  const series = loadSeries(validate, limit).filter((_, i) => i % sample === 0);
  const mode = validate ? "validate" : "test";
  const resultsDir = join(here, "..", "results");
  mkdirSync(resultsDir, { recursive: true });
  const rFile = arg("--r-cache") ?? join(resultsDir, `forecast-m3-r-${mode}-${series.length}.csv`);
  const wantR = !flag("--no-r");
  const rDone = wantR && !existsSync(rFile) ? runR(series, rFile) : Promise.resolve();
  if (wantR) rDone.catch((e: unknown) => console.error(`R baselines failed: ${String(e)}`));

  const ours = newScore();
  const oursById = new Map<
    string,
    { f: number[]; lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[]; ms: number }
  >();
  const modelCounts = new Map<string, number>();
  const seasonCounts = new Map<string, number>();
  const t0 = Date.now();
  for (const [i, s] of series.entries()) {
    const start = performance.now();
    const res = await forecast(s.train, {
      horizon: H,
      models,
      ...(season !== undefined ? { season } : noDates ? {} : { dates: s.dates }),
      ...(withArima ? { arima: true } : {}),
    });
    ours.ms.push(performance.now() - start);
    if (!res.ok) {
      console.error(`${s.id}: ${res.reason}`);
      continue;
    }
    const v = res.value;
    const key =
      v.model.includes("ARIMA") && v.model.startsWith("Combination")
        ? "Combination with ARIMA"
        : v.model.replace(/\(.*$/, "");
    modelCounts.set(key, (modelCounts.get(key) ?? 0) + 1);
    const sk = `${v.seasonFrom}:${v.seasons.join("+") || "none"}`;
    seasonCounts.set(sk, (seasonCounts.get(sk) ?? 0) + 1);
    score(ours, s.train, s.test, v.forecast, v.lower80, v.upper80, v.lower95, v.upper95);
    oursById.set(s.id, {
      f: v.forecast,
      lo80: v.lower80,
      hi80: v.upper80,
      lo95: v.lower95,
      hi95: v.upper95,
      ms: ours.ms[ours.ms.length - 1] as number,
    });
    if ((i + 1) % 50 === 0)
      console.error(
        `${i + 1}/${series.length} sMAPE so far ${avg(ours.smape).toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
  }

  const r: Record<string, Record<string, number | null>> = {};
  if (wantR) {
    try {
      await rDone;
      if (!flag("--no-wait")) await waitForComplete(rFile, series[series.length - 1]?.id ?? "");
      const byMethod = new Map<
        string,
        Map<
          string,
          { f: number[]; lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[]; ms: number }
        >
      >();
      for (const line of readFileSync(rFile, "utf8").trim().split("\n").slice(1)) {
        const [method, id, , f, lo80, hi80, lo95, hi95, ms] = line.split(",") as [
          string,
          string,
          string,
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        let mm = byMethod.get(method);
        if (!mm) {
          mm = new Map();
          byMethod.set(method, mm);
        }
        let e = mm.get(id);
        if (!e) {
          e = { f: [], lo80: [], hi80: [], lo95: [], hi95: [], ms: Number(ms) };
          mm.set(id, e);
        }
        e.f.push(Number(f));
        e.lo80.push(Number(lo80));
        e.hi80.push(Number(hi80));
        e.lo95.push(Number(lo95));
        e.hi95.push(Number(hi95));
      }
      for (const [method, mm] of byMethod) {
        const sc = newScore();
        for (const s of series) {
          const e = mm.get(s.id);
          if (!e) continue;
          sc.ms.push(e.ms);
          score(sc, s.train, s.test, e.f, e.lo80, e.hi80, e.lo95, e.hi95);
        }
        r[`R ${method}`] = summary(sc);
        // When R did not cover every series, also score ours on exactly the series R did.
        if (mm.size < series.length && !r["Keel on R's series"]) {
          const sub = newScore();
          for (const s of series) {
            const o = oursById.get(s.id);
            if (!mm.has(s.id) || !o) continue;
            sub.ms.push(o.ms);
            score(sub, s.train, s.test, o.f, o.lo80, o.hi80, o.lo95, o.hi95);
          }
          r["Keel on R's series"] = summary(sub);
        }
      }
    } catch (e) {
      console.error(`R comparison unavailable: ${String(e)}`);
    }
  }

  const competition: Record<string, Record<string, number | null>> = {};
  if (!validate) {
    const want = new Map(series.map((s) => [s.id, s]));
    const fc = new Map<string, Map<string, number[]>>();
    for (const line of readFileSync(join(DATA, "m3-monthly-dev-competition-forecasts.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)) {
      const [method, id, , f] = line.split(",") as [string, string, string, string];
      if (!want.has(id)) continue;
      let mm = fc.get(method);
      if (!mm) {
        mm = new Map();
        fc.set(method, mm);
      }
      const list = mm.get(id) ?? [];
      list.push(Number(f));
      mm.set(id, list);
    }
    for (const [method, mm] of fc) {
      const sc = newScore();
      for (const [id, f] of mm) {
        const s = want.get(id);
        if (s) score(sc, s.train, s.test, f);
      }
      competition[method] = summary(sc);
    }
  }

  const result = {
    command: `npx tsx bench/forecast/m3.ts ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    mode,
    horizon: H,
    seasonInput:
      season !== undefined ? `--season ${season}` : noDates ? "none (--no-dates)" : "monthly dates",
    ours: {
      ...summary(ours),
      models: Object.fromEntries([...modelCounts].sort((a, b) => b[1] - a[1])),
      seasons: Object.fromEntries([...seasonCounts].sort((a, b) => b[1] - a[1])),
    },
    r,
    competition,
    rCache: wantR ? rFile : null,
    rCommand: `Rscript bench/forecast/r-baselines.R TRAIN.csv ${rFile} ${H} ${M}   (TRAIN.csv = the series' train rows; run by this script when the cache is missing)`,
    machine: { cpus: availableParallelism(), loadavg: loadavg().map((v) => Math.round(v * 10) / 10) },
  };
  console.log(JSON.stringify(result, null, 2));
  if (!flag("--no-write")) {
    const inputTag = `${season !== undefined ? `-season${season}` : noDates ? "-nodates" : ""}${withArima ? "-arima" : ""}`;
    const tag = `${validate || series.length !== 714 ? `-${mode}-${series.length}` : ""}${inputTag}`;
    writeFileSync(join(resultsDir, `forecast-m3${tag}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const rowsMd = [
      ["Keel (ours)", summary(ours)] as const,
      ...Object.entries(r),
      ...Object.entries(competition),
    ].map(
      ([name, s]) =>
        `| ${name} | ${s.smape} | ${s.mase} | ${s.coverage80 ?? "–"} | ${s.coverage95 ?? "–"} | ${s.msPerSeries ?? "–"} |`,
    );
    const md = [
      `# Forecast benchmark: M3 monthly (${series.length} series, h = ${H}, ${mode} rows)`,
      "",
      `Command: \`${result.command}\` — ${result.date}`,
      "",
      "| method | sMAPE | MASE | 80 % coverage | 95 % coverage | ms/series |",
      "|---|---|---|---|---|---|",
      ...rowsMd,
      "",
      `Models chosen: ${[...modelCounts].map(([k, v]) => `${k} ${v}`).join(", ")}`,
      "",
      `Season input: ${result.seasonInput}; periods used: ${[...seasonCounts].map(([k, v]) => `${k} ${v}`).join(", ")}`,
      "",
    ].join("\n");
    writeFileSync(join(resultsDir, `forecast-m3${tag}.md`), md);
  }
}

await main();
