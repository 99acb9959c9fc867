import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checklistCompliance,
  type DealRow,
  dealSummaryReply,
  deterministicSummary,
  isChecklistItemDone,
} from "../../../src/core/features/deals/index.js";

const deal = (facts: Record<string, unknown>, checklist = Object.keys(facts)): DealRow =>
  ({
    id: "d",
    name: "Acme",
    company: null,
    status: "open",
    stageName: "Proposal",
    stuck: false,
    stuckAfterDays: 20,
    daysInStage: 3,
    checklist,
    facts,
    valueMinor: 100,
    currency: "USD",
    nextStep: null,
    stageEnteredAt: new Date("2026-11-20T00:00:00Z"),
  }) as unknown as DealRow;

describe("checklist item done: one rule", () => {
  it.each([
    [true, true],
    ["PO-4411", true],
    [0, true],
    [12.5, true],
    [false, false],
    ["", false],
    ["   ", false],
    [null, false],
    [undefined, false],
    [Number.NaN, false],
    [{}, false],
  ])("%j → done %s", (fact, done) => {
    expect(isChecklistItemDone(fact)).toBe(done);
  });

  it("a null fact (JSON from the database) is missing, not done", () => {
    const c = checklistCompliance(deal({ "PO attached": null, "budget confirmed": "yes" }));
    expect(c.missing).toEqual(["PO attached"]);
    expect(c.items[1]).toEqual({ item: "budget confirmed", done: true, evidence: "yes" });
  });

  it("an item with no fact at all is missing", () => {
    expect(checklistCompliance(deal({}, ["end user identified"])).missing).toEqual(["end user identified"]);
  });

  it("the deterministic deal summary lists exactly what the checklist check calls missing", () => {
    const fact = fc.oneof(fc.boolean(), fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fact), (facts) => {
        const d = deal(facts);
        // What `deal NAME` shows when no model answers: the deterministic summary rendered as a reply.
        const summary = dealSummaryReply(d, [], deterministicSummary(d, checklistCompliance(d), "offline"));
        expect(summary.meta?.missing).toEqual(checklistCompliance(d).missing);
      }),
    );
  });
});
