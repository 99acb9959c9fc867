import { describe, expect, it } from "vitest";
import {
  type DealDoc,
  nearest,
  neighbourStats,
  queryTerms,
  shrinkWithNeighbours,
  similarityParts,
} from "../../../src/core/features/similar/index.js";

const DAY = 86_400_000;
const T0 = Date.parse("2025-12-01T00:00:00Z");
const at = (daysAgo: number) => new Date(T0 - daysAgo * DAY);
const none = new Set<string>();
const terminal = new Set(["won", "lost"]);
const invoiced = new Set(["inv"]);

function doc(p: Partial<Omit<DealDoc, "path">> & { id: string; path?: [string, number][] }): DealDoc {
  const path = (p.path ?? [["neg", 10]]).map(([stageId, ago]) => ({ stageId, enteredAt: at(ago) }));
  const last = path.at(-1)!;
  return {
    name: p.id,
    company: null,
    valueMinor: 1_000_000,
    currency: "USD",
    status: "open",
    ownerUserId: null,
    notes: "",
    ...p,
    stageId: p.stageId ?? last.stageId,
    stageEnteredAt: p.stageEnteredAt ?? last.enteredAt,
    path,
  };
}

describe("similar deals: the parts of the score", () => {
  const target = doc({
    id: "t",
    ownerUserId: "u1",
    company: "Acme",
    path: [
      ["lead", 40],
      ["neg", 10],
    ],
  });

  it("a deal twice as big is half as similar in value; another currency not at all", () => {
    const twice = similarityParts(
      target,
      doc({ id: "c", valueMinor: 2_000_000, status: "won" }),
      undefined,
      terminal,
    );
    expect(twice.value).toBeCloseTo(0.5, 3);
    const eur = similarityParts(
      target,
      doc({ id: "c", currency: "EUR", status: "won" }),
      undefined,
      terminal,
    );
    expect(eur.value).toBe(0);
  });

  it("having reached the target's stage is worth half the stage score", () => {
    const reached = doc({
      id: "c",
      status: "won",
      path: [
        ["lead", 90],
        ["neg", 60],
        ["won", 30],
      ],
    });
    const never = doc({
      id: "c2",
      status: "lost",
      path: [
        ["lead", 90],
        ["lost", 60],
      ],
    });
    expect(similarityParts(target, reached, undefined, terminal).stage).toBe(1);
    expect(similarityParts(target, never, undefined, terminal).stage).toBeCloseTo(0.25, 5);
  });

  it("customer and owner match only when both are known and equal (case and spaces ignored)", () => {
    const same = doc({ id: "c", company: "  acme ", ownerUserId: "u1", status: "won" });
    expect(similarityParts(target, same, undefined, terminal)).toMatchObject({ customer: 1, owner: 1 });
    const blank = doc({ id: "t2", company: "", ownerUserId: null });
    const other = doc({ id: "c", company: "", ownerUserId: null, status: "won" });
    expect(similarityParts(blank, other, undefined, terminal)).toMatchObject({ customer: 0, owner: 0 });
  });

  it("cycle compares how fast each reached the stage", () => {
    const fast = doc({
      id: "c",
      status: "won",
      path: [
        ["lead", 100],
        ["neg", 70],
        ["won", 10],
      ],
    });
    // target: 30 days lead → neg; candidate: 30 days → ratio 1
    expect(similarityParts(target, fast, undefined, terminal).cycle).toBe(1);
    const slow = doc({
      id: "c",
      status: "won",
      path: [
        ["lead", 200],
        ["neg", 76],
        ["won", 10],
      ],
    });
    expect(similarityParts(target, slow, undefined, terminal).cycle).toBeCloseTo(31 / 125, 3);
  });

  it("the text part averages trigram and full-text scores, and the cosine when there are embeddings", () => {
    const c = doc({ id: "c", status: "won" });
    expect(similarityParts(target, c, { trgm: 0.6, fts: 0.1 }, terminal).text).toBeCloseTo(0.4, 5);
    expect(similarityParts(target, c, { trgm: 0.6, fts: 0.1, embedding: 0.9 }, terminal).text).toBeCloseTo(
      (0.6 + 0.2 + 0.9) / 3,
      5,
    );
    expect(similarityParts(target, c, { trgm: 0, fts: 0, embedding: -0.4 }, terminal).text).toBe(0);
  });
});

describe("similar deals: neighbours and what happened to them", () => {
  const target = doc({
    id: "t",
    path: [
      ["lead", 40],
      ["neg", 10],
    ],
  });
  const won = (id: string, negAgo: number, invAgo: number, wonAgo: number) =>
    doc({
      id,
      status: "won",
      path: [
        ["lead", negAgo + 20],
        ["neg", negAgo],
        ["inv", invAgo],
        ["won", wonAgo],
      ],
    });
  const pool = [
    won("w1", 100, 70, 60),
    won("w2", 200, 150, 140),
    doc({
      id: "l1",
      status: "lost",
      path: [
        ["lead", 80],
        ["neg", 60],
        ["lost", 50],
      ],
    }),
    doc({
      id: "l2",
      status: "lost",
      path: [
        ["lead", 80],
        ["lost", 70],
      ],
    }),
    doc({ id: "open", status: "open" }),
    { ...target, status: "won" as const },
  ];

  it("never returns the target itself or open deals, and is deterministic", () => {
    const a = nearest(target, pool, new Map(), {
      k: 10,
      terminalStageIds: terminal,
      invoicedStageIds: invoiced,
    });
    expect(a.map((n) => n.id).sort()).toEqual(["l1", "l2", "w1", "w2"]);
    const b = nearest(target, [...pool].reverse(), new Map(), {
      k: 10,
      terminalStageIds: terminal,
      invoicedStageIds: invoiced,
    });
    expect(b.map((n) => n.id)).toEqual(a.map((n) => n.id));
  });

  it("counts won and lost, those that reached the stage, and the median days from it", () => {
    const ns = nearest(target, pool, new Map(), {
      k: 10,
      terminalStageIds: terminal,
      invoicedStageIds: invoiced,
    });
    expect(neighbourStats(ns)).toEqual({
      won: 2,
      lost: 2,
      reached: 3,
      wonReached: 2,
      medianDaysFromStage: 50, // 40 and 60 days from "neg" to won
      medianDaysToInvoice: 40, // 30 and 50 days from "neg" to the invoiced stage
      timingN: 2,
    });
  });

  it("k bounds the list", () => {
    expect(
      nearest(target, pool, new Map(), { k: 2, terminalStageIds: none, invoicedStageIds: none }),
    ).toHaveLength(2);
  });
});

describe("similar deals in the simulation: shrunk like the calibration", () => {
  const stats = (reached: number, wonReached: number, median: number | null, n = wonReached) => ({
    won: wonReached,
    lost: reached - wonReached,
    reached,
    wonReached,
    medianDaysFromStage: median,
    medianDaysToInvoice: median,
    timingN: median === null ? 0 : n,
  });

  it("7 of 7 won against 10 pseudo-deals at 40 % gives (7 + 4) / 17", () => {
    const r = shrinkWithNeighbours(
      { winProbability: 0.4, invoiceDay: 30, daysInStage: 0 },
      stats(7, 7, null),
      { win: 10, cycle: 5 },
    );
    expect(r.winProbability).toBeCloseTo(11 / 17, 10);
    expect(r.invoiceDay).toBe(30);
  });

  it("no neighbour that reached the stage leaves the stage rate alone", () => {
    const r = shrinkWithNeighbours(
      { winProbability: 0.4, invoiceDay: 30, daysInStage: 3 },
      stats(0, 0, null),
      {
        win: 10,
        cycle: 5,
      },
    );
    expect(r).toEqual({ winProbability: 0.4, invoiceDay: 30 });
  });

  it("timing: 5 won neighbours at a median 70 days, 10 days already in stage, against 5 pseudo-deals at 30", () => {
    const r = shrinkWithNeighbours(
      { winProbability: 0.5, invoiceDay: 30, daysInStage: 10 },
      stats(5, 5, 70),
      {
        win: 10,
        cycle: 5,
      },
    );
    expect(r.invoiceDay).toBe(Math.round((5 * 60 + 5 * 30) / 10));
  });
});

describe("full-text query words", () => {
  it("keeps letters and digits of any language, drops stop words and query syntax", () => {
    expect(queryTerms("Bäckerei Müller: Bestellung & Freigabe | año 2025 ... the PO")).toEqual([
      "bäckerei",
      "müller",
      "bestellung",
      "freigabe",
      "año",
      "2025",
    ]);
  });

  it("turns hostile text into plain words", () => {
    expect(queryTerms("x'); drop table deals; -- & | ! :* <-> (")).toEqual(["drop", "table", "deals"]);
    expect(queryTerms("!!! ||| &&& ''")).toEqual([]);
  });

  it("caps the number of words", () => {
    const many = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    expect(queryTerms(many)).toHaveLength(24);
  });
});
