import { describe, expect, it } from "vitest";
import {
  checkFigures,
  collectFigures,
  extractNumbers,
  guardFigures,
} from "../../../src/core/features/provenance/index.js";

const deal = {
  name: "Acme Logistics",
  value: "$41,250",
  valueMinor: 4_125_000,
  value_amount: 41_250,
  days_in_stage: 75,
  probability: 0.8,
  expected_close_on: "2027-02-12",
};

describe("provenance validator", () => {
  it("rejects a reply inventing $48,000 when the context says 41,250", () => {
    const r = checkFigures("Acme Logistics is worth $48,000 and stuck for 75 days.", deal);
    expect(r.ok).toBe(false);
    expect(r.unsupported).toEqual(["$48,000"]);
  });

  it("accepts formatting and rounding to the precision shown", () => {
    for (const text of [
      "worth $41,250",
      "about 41.3k",
      "roughly $41k",
      "41.25k in play",
      "80 % likely",
      "closes 2027-02-12",
    ])
      expect(checkFigures(text, deal), text).toMatchObject({ ok: true });
  });

  it("refuses rounding beyond the precision shown and unknown dates", () => {
    expect(checkFigures("about $40,000", deal).ok).toBe(false);
    expect(checkFigures("about 42k", deal).ok).toBe(false);
    expect(checkFigures("closes 2027-02-13", deal).unsupported).toEqual(["2027-02-13"]);
  });

  it("reads percentages of fractions, Arabic-Indic digits, and ignores identifiers", () => {
    expect(checkFigures("احتمال ٨٠٪", deal).ok).toBe(true);
    expect(checkFigures("قيمة ٤٨٬٠٠٠ دولار", deal).ok).toBe(false);
    expect(extractNumbers("invoice INV-1042, draft #12, prompt v2, Q3")).toEqual([]);
  });

  it("treats 0 and 1 as counts, not claims", () => {
    expect(checkFigures("1 document is missing", deal).ok).toBe(true);
    expect(checkFigures("3 documents are missing", deal).ok).toBe(false);
  });

  it("guard falls back to the template phrasing and logs the refused figures", () => {
    const logged: unknown[] = [];
    const log = { warn: (o: unknown) => logged.push(o) } as never;
    const ctx = collectFigures(deal);
    const bad = guardFigures(log, {
      feature: "test",
      llmText: "Give them $48,000 off",
      fallbackText: "template",
      context: ctx,
    });
    expect(bad).toEqual({ text: "template", usedFallback: true, unsupported: ["$48,000"] });
    expect(logged).toHaveLength(1);
    const good = guardFigures(log, {
      feature: "test",
      llmText: "Worth 41.3k",
      fallbackText: "template",
      context: ctx,
    });
    expect(good.usedFallback).toBe(false);
  });
});
