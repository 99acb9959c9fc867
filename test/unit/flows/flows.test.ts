import { describe, expect, it } from "vitest";
import { renderEmail } from "../../../src/bots/email/index.js";
import { checklistCompliance, type DealRow, detectStuck } from "../../../src/core/features/deals/index.js";
import { parseDraftRequest } from "../../../src/core/features/drafts/index.js";

const deal = (over: Partial<DealRow>): DealRow =>
  ({
    id: "d",
    name: "Acme",
    status: "open",
    stageName: "Order Received",
    stuckAfterDays: 20,
    daysInStage: 10,
    checklist: [],
    facts: {},
    valueMinor: 1,
    ...over,
  }) as DealRow;

describe("stage checklists", () => {
  it("reports what is missing from the stage's checklist, facts decide", () => {
    const c = checklistCompliance(
      deal({
        checklist: ["end user identified", "PO attached"],
        facts: { "end user identified": true, "PO attached": false },
      }),
    );
    expect(c.missing).toEqual(["PO attached"]);
    expect(c.items[0]).toEqual({ item: "end user identified", done: true, evidence: "recorded" });
    expect(c.complete).toBe(false);
  });
});

describe("stuck deals", () => {
  it("uses each stage's threshold, overridable per stage, worst first", () => {
    const deals = [
      deal({ id: "a", daysInStage: 25 }),
      deal({ id: "b", daysInStage: 50, stageName: "Lead", stuckAfterDays: 30 }),
      deal({ id: "c", daysInStage: 5 }),
    ];
    expect(detectStuck(deals).map((s) => [s.deal.id, s.overBy])).toEqual([
      ["b", 20],
      ["a", 5],
    ]);
    expect(detectStuck(deals, { "order received": 30 }).map((s) => s.deal.id)).toEqual(["b"]);
  });
});

describe("draft requests", () => {
  it("splits language and tone words from the subject", () => {
    expect(parseDraftRequest("Acme Logistics in arabic formal")).toEqual({
      query: "Acme Logistics",
      tone: "formal",
      language: "ar",
    });
    expect(parseDraftRequest("INV-1042 firm")).toEqual({ query: "INV-1042", tone: "firm", language: "en" });
    expect(parseDraftRequest("Acme Logistics", "warm", "arabic")).toEqual({
      query: "Acme Logistics",
      tone: "warm",
      language: "ar",
    });
  });
});

describe("email rendering", () => {
  it("uses the draft subject and does not repeat it in the body", () => {
    const m = renderEmail({
      text: "*Following up: Acme*\n\nHi *Acme* team,\nAny news?",
      subject: "Following up: Acme",
    });
    expect(m.subject).toBe("Following up: Acme");
    expect(m.text).toBe("Hi Acme team,\nAny news?");
    expect(m.html).toContain("<p>Hi Acme team,<br>Any news?</p>");
  });
});
