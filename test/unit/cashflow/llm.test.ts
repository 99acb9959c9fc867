import { describe, expect, it } from "vitest";
import {
  applyPrediction,
  PREDICT_PROMPT_ID,
  predictDates,
  predictionVariables,
  projectDeal,
} from "../../../src/core/features/cashflow/index.js";
import { deal, RULES, scriptedLlm, TODAY } from "./fixtures.js";

const ctx = { tenantId: "t1", userId: "u1", feature: "cashflow" };

async function predicted(answer: unknown) {
  const d = deal("Order Received", 3);
  const llm = scriptedLlm([answer]);
  const outcome = await predictDates(
    llm,
    ctx,
    predictionVariables(d, RULES, TODAY, "Stages: Lead from 2025-01-01"),
  );
  const base = projectDeal(d, RULES, TODAY);
  return { base, result: applyPrediction(base, outcome, RULES, TODAY), llm };
}

describe("LLM date prediction", () => {
  it("asks the cashflow.predict_dates prompt with the deal, its remaining stages and terms", async () => {
    const { llm } = await predicted({
      invoice_on: "2025-05-01",
      paid_on: "2025-06-01",
      confidence: 0.9,
      reason: "PO signed",
    });
    const req = llm.requests[0]!;
    expect(req.promptId).toBe(PREDICT_PROMPT_ID);
    expect(req.ctx).toEqual(ctx);
    expect(Object.keys(req.variables).sort()).toEqual([
      "deal",
      "history",
      "payment_terms_days",
      "stage_cycle_days",
      "today",
    ]);
    expect(req.variables.stage_cycle_days).toBe(
      "Order Received: 10, Production/Supplying: 45, Under Progress: 22, Awaiting GR: 5",
    );
    expect(req.variables.today).toBe("2025-03-10");
  });

  it("uses a prediction with confidence ≥ 0.4", async () => {
    const { base, result } = await predicted({
      invoice_on: "2025-05-01",
      paid_on: "2025-06-01",
      confidence: 0.4,
      reason: "PO signed",
    });
    expect(result.method).toBe("llm");
    expect(result.invoiceOn).toBe("2025-05-01");
    expect(result.paidOn).toBe("2025-06-01");
    expect(result.confidence).toBe(0.4);
    expect(result.weightedMinor).toBe(base.weightedMinor);
    expect(result.steps.join(" ")).toContain(`rules give invoice ${base.invoiceOn}`);
  });

  it("overrides a prediction with confidence < 0.4 by the rules", async () => {
    const { base, result } = await predicted({
      invoice_on: "2025-05-01",
      paid_on: "2025-06-01",
      confidence: 0.39,
      reason: "guess",
    });
    expect(result.method).toBe("rules");
    expect(result.invoiceOn).toBe(base.invoiceOn);
    expect(result.paidOn).toBe(base.paidOn);
    expect(result.rules).toContain("llm_overridden_low_confidence");
  });

  it("falls back to the rules when the model call throws", async () => {
    const { base, result } = await predicted(new Error("provider down"));
    expect(result.method).toBe("rules");
    expect(result.paidOn).toBe(base.paidOn);
    expect(result.rules).toContain("llm_failed");
    expect(result.steps.join(" ")).toMatch(/provider down/);
  });

  it("falls back to the rules when the answer does not match the schema", async () => {
    const { base, result } = await predicted({
      invoice_on: "soon",
      paid_on: "later",
      confidence: 2,
      reason: "",
    });
    expect(result.method).toBe("rules");
    expect(result.invoiceOn).toBe(base.invoiceOn);
    expect(result.rules).toContain("llm_failed");
  });

  it("lets the rules win over a confident model whose dates are earlier than the stage allows", async () => {
    // Invoice in the past, payment before the invoice: the same sanity rules as the deterministic
    // dates apply, and a date pulled in before the stage allows is overridden outright.
    const { base, result } = await predicted({
      invoice_on: "2025-03-01",
      paid_on: "2025-02-20",
      confidence: 0.9,
      reason: "already done",
    });
    expect(result.method).toBe("rules");
    expect(result.invoiceOn).toBe(base.invoiceOn);
    expect(result.paidOn).toBe(base.paidOn);
    expect(result.rules).toContain("llm_overridden_too_early");
    expect(result.steps.join(" ")).toMatch(/earlier than the stage allows/);
  });

  it("accepts a confident model that moves dates later, then applies the sanity rules", async () => {
    const b = await predicted({
      invoice_on: "2025-05-01",
      paid_on: "2025-06-01",
      confidence: 0.9,
      reason: "x",
    });
    const later = (iso: string, n: number) =>
      new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const { result } = await predicted({
      invoice_on: later(b.base.invoiceOn, 14),
      paid_on: later(b.base.paidOn, 30),
      confidence: 0.9,
      reason: "budget freeze until next month",
    });
    expect(result.method).toBe("llm");
    expect(result.invoiceOn).toBe(later(b.base.invoiceOn, 14));
    expect(result.paidOn).toBe(later(b.base.paidOn, 30));
  });

  it("keeps the factual invoice date of a deal in an invoiced stage", async () => {
    const base = projectDeal(deal("Invoiced", 5), RULES, TODAY);
    const r = applyPrediction(
      base,
      {
        ok: true,
        prediction: { invoice_on: "2025-04-01", paid_on: "2025-04-20", confidence: 0.8, reason: "x" },
      },
      RULES,
      TODAY,
    );
    expect(r.invoiceOn).toBe(base.invoiceOn);
    expect(r.paidOn).toBe("2025-04-20");
  });
});
