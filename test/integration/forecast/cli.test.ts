import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { forecastCommand } from "../../../src/cli/forecast.js";
import { parseSeriesCsv } from "../../../src/core/features/forecast/index.js";

const fixture = new URL("../../fixtures/forecast/small-batch.csv", import.meta.url).pathname;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await forecastCommand(argv, { stdout, stderr });
  return { code, out, err };
}

function tempCsv(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "keel-forecast-")), "in.csv");
  writeFileSync(file, text);
  return file;
}

describe("parseSeriesCsv", () => {
  it("groups rows per series, sorts by t, keeps test rows apart and treats blanks as missing", () => {
    const res = parseSeriesCsv(
      "series_id,t,value,split\na,2,20,train\na,1,10,train\na,3,,train\na,4,40,test\nb,1,5,train\n",
    );
    expect(res).toEqual({
      ok: true,
      value: [
        { id: "a", values: [10, 20, null], test: [40] },
        { id: "b", values: [5], test: [] },
      ],
    });
  });

  it("names the line and field that is wrong", () => {
    expect(parseSeriesCsv("series_id,t,value\na,1,10\na,2,1O\n")).toEqual({
      ok: false,
      reason: 'line 3, field "value": "1O" is not a number',
    });
    expect(parseSeriesCsv("series_id,t,value\na,x,10\n")).toEqual({
      ok: false,
      reason: 'line 2, field "t": "x" is not a number',
    });
    expect(parseSeriesCsv("series_id,t,value\na,1\n")).toEqual({
      ok: false,
      reason: "line 2: expected 3 fields, found 2",
    });
    expect(parseSeriesCsv("id,t,value\n")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/line 1: header .*missing "series_id"/),
    });
    expect(parseSeriesCsv("series_id,t,value,split\na,1,3,later\n")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/line 2, field "split"/),
    });
  });
});

describe("keel forecast (forecastCommand)", () => {
  it("prints one JSON line per series, in file order, with ok:false for a series too short", async () => {
    const { code, out } = await run([
      fixture,
      "--horizon",
      "6",
      "--season",
      "12",
      "--json",
      "--concurrency",
      "1",
    ]);
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.series_id)).toEqual(["shop-a", "shop-b", "tiny"]);
    const a = lines[0] as {
      model: string;
      forecast: number[];
      lower80: number[];
      upper95: number[];
      backtest_smape: number;
    };
    expect(a.forecast).toHaveLength(6);
    expect(a.lower80).toHaveLength(6);
    expect(a.upper95.every((u, i) => u >= (a.forecast[i] as number))).toBe(true);
    expect(typeof a.model).toBe("string");
    expect(a.backtest_smape).toBeGreaterThan(0);
    // shop-a's held-out test rows (t 37–42, a rising seasonal curve) are not fitted on, and the forecast tracks them.
    expect(a.forecast[0]).toBeGreaterThan(140);
    expect(a.forecast[0]).toBeLessThan(175);
    expect(lines[2]).toEqual({
      series_id: "tiny",
      ok: false,
      reason: "need at least 5 observations to forecast, got 3",
    });
  });

  it("gives the same answers through worker threads", async () => {
    const serial = await run([fixture, "--horizon", "4", "--json", "--concurrency", "1"]);
    const pooled = await run([fixture, "--horizon", "4", "--json", "--concurrency", "2"]);
    expect(pooled.code).toBe(0);
    expect(pooled.err).not.toMatch(/worker threads unavailable/);
    expect(pooled.out).toBe(serial.out);
  });

  it("keeps stdout to JSON only when ARIMA (which prints warnings) is a candidate", async () => {
    const { code, out } = await run([
      fixture,
      "--horizon",
      "3",
      "--season",
      "12",
      "--json",
      "--concurrency",
      "1",
      "--models",
      "arima,theta",
    ]);
    expect(code).toBe(0);
    for (const line of out.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("prints a readable summary without --json and occasional progress lines on a non-TTY stderr", async () => {
    const { code, out } = await run([fixture, "--horizon", "3", "--concurrency", "1"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^shop-a: .+, backtest sMAPE \d/m);
    expect(out).toMatch(/^tiny: cannot forecast — need at least 5 observations/m);
  });

  it("rejects a bad CSV with the line and field, exit 2 and no stack trace", async () => {
    const file = tempCsv("series_id,t,value\na,1,10\na,2,twelve\n");
    const { code, out, err } = await run([file, "--horizon", "3"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain('line 3, field "value": "twelve" is not a number');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("rejects missing or bad arguments with usage and exit 2", async () => {
    expect((await run([fixture])).code).toBe(2);
    expect((await run([fixture, "--horizon", "0"])).err).toMatch(/--horizon must be a whole number/);
    expect((await run(["/nonexistent.csv", "--horizon", "3"])).err).toMatch(
      /cannot read \/nonexistent.csv: ENOENT/,
    );
  });
});
