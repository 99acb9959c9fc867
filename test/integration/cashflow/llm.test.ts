import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStageRules, makeRules, projectDeal } from "../../../src/core/features/cashflow/index.js";
import { MAX_MODEL_CALLS_PER_QUESTION } from "../../../src/core/features/cashflow/report.js";
import { listDeals } from "../../../src/core/features/deals/queries.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { LlmClient, LlmRequest } from "../../../src/core/ports/llm.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const clock = fixedClock("2025-06-18T10:00:00Z");

/**
 * A scripted model: confident about Acme (dates set by the test: later than the rules), unsure about
 * Titan Steel deals, down for everything else — or, with `pullIn`, confident that every deal is
 * invoiced in 20 days and paid in 50 (the "model dates move the cash forecast" attack).
 */
type ScriptedLlm = LlmClient & {
  requests: LlmRequest[];
  /** The deal the model is confident about, and the dates it gives. */
  target: { name: string; invoice_on: string; paid_on: string };
  pullIn: boolean;
};

function fakeLlm(): ScriptedLlm {
  const meta = {
    provider: "fake",
    model: "scripted",
    route: "test",
    routeReason: "test",
    tokensIn: 1,
    tokensOut: 1,
    costMicros: 0,
    cacheHit: false,
    latencyMs: 0,
  };
  const self: ScriptedLlm = {
    requests: [],
    target: { name: "", invoice_on: "", paid_on: "" },
    pullIn: false,
    hasModel: () => true,
    health: async () => ({ fake: "ok" }),
    chat: async () => {
      throw new Error("not scripted");
    },
    stream: () => {
      throw new Error("not scripted");
    },
    async structured(schema, req) {
      self.requests.push(req);
      const deal = String(req.variables.deal);
      if (self.pullIn)
        return {
          value: schema.parse({
            invoice_on: "2025-07-08",
            paid_on: "2025-08-07",
            confidence: 0.95,
            reason: "the customer promised",
          }),
          meta,
        };
      if (self.target.name && deal.startsWith(`${self.target.name};`))
        return {
          value: schema.parse({
            invoice_on: self.target.invoice_on,
            paid_on: self.target.paid_on,
            confidence: 0.8,
            reason: "PO approval expected next week",
          }),
          meta,
        };
      if (deal.startsWith("Titan Steel"))
        return {
          value: schema.parse({
            invoice_on: "2025-07-01",
            paid_on: "2025-07-02",
            confidence: 0.2,
            reason: "guess",
          }),
          meta,
        };
      throw new Error("provider unavailable");
    },
  } as ScriptedLlm;
  return self;
}

describe("cashflow with an LLM configured", () => {
  let d: TestDeps;
  const llm = fakeLlm();
  beforeAll(async () => {
    d = await createTestDeps({}, { clock, llm });
    await loadDemo(d);
  });
  afterAll(() => d.cleanup());

  it("uses confident predictions, overrides unsure ones and falls back to rules on errors", async () => {
    const tenantId = (await requireTenant(d.db, "demo")).id;
    const owner = await actorByEmail(d.db, tenantId, "owner@demo.example");
    const dispatcher = createDispatcher(d, registry);
    const { deals, stages } = await d.db.tenantTx(tenantId, async (tx) => ({
      deals: await listDeals(tx, clock.now()),
      stages: await loadStageRules(tx),
    }));
    const rules = makeRules(stages);
    const notInvoiced = deals.filter((x) => !x.isInvoiced);
    // The model is asked about the deals that move cash most, at most MAX_MODEL_CALLS_PER_QUESTION.
    const asked = [...notInvoiced]
      .sort((a, b) => b.valueMinor * b.probability - a.valueMinor * a.probability || a.id.localeCompare(b.id))
      .slice(0, MAX_MODEL_CALLS_PER_QUESTION);
    // Confident about the deal that moves cash most, with dates later than the rules'.
    const top = asked[0]!;
    const topRules = projectDeal(top, rules, clock.now());
    const plus = (iso: string, n: number) =>
      new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    llm.target = {
      name: top.name,
      invoice_on: plus(topRules.invoiceOn, 7),
      paid_on: plus(topRules.paidOn, 10),
    };
    const reply = await dispatcher.dispatch({
      kind: "cashflow.forecast",
      origin: { tenantId, userId: owner.userId, channel: "console", conversationId: "t" },
      idempotencyKey: randomUUID(),
    } as Intent);
    const m = reply.meta as Record<string, any>;
    expect(llm.requests).toHaveLength(asked.length);
    expect(asked.length).toBe(Math.min(MAX_MODEL_CALLS_PER_QUESTION, notInvoiced.length));
    expect(
      llm.requests.every(
        (r) =>
          r.promptId === "cashflow.predict_dates" &&
          r.ctx.feature === "cashflow" &&
          r.ctx.userId === owner.userId,
      ),
    ).toBe(true);
    const byName = new Map<string, any>(m.assumptions.deals.map((x: { name: string }) => [x.name, x]));
    expect(byName.get(top.name)).toMatchObject({
      method: "llm",
      invoiceOn: llm.target.invoice_on,
      paidOn: llm.target.paid_on,
      confidence: 0.8,
    });
    const titan = asked.filter((x) => x.name.startsWith("Titan Steel") && x !== top);
    for (const t of titan) {
      const got = byName.get(t.name);
      expect(got).toMatchObject({
        method: "rules",
        paidOn: projectDeal(t, rules, clock.now()).paidOn,
        confidence: 0.2,
      });
      expect(got.rules).toContain("llm_overridden_low_confidence");
    }
    const other = asked.find((x) => x !== top && !x.name.startsWith("Titan Steel"))!;
    expect(byName.get(other.name)).toMatchObject({
      method: "rules",
      paidOn: projectDeal(other, rules, clock.now()).paidOn,
    });
    expect(byName.get(other.name).rules).toContain("llm_failed");
    // A deal the model was not asked about is projected by the rules alone, with no LLM marks.
    const unasked = notInvoiced.find((x) => !asked.includes(x));
    if (unasked) {
      expect(byName.get(unasked.name)?.rules ?? []).not.toContain("llm_failed");
    }
    expect(m.llm).toEqual({
      asked: asked.length,
      used: 1,
      overridden: titan.length,
      failed: asked.length - 1 - titan.length,
      capped: notInvoiced.length - asked.length,
    });
    expect(reply.sources?.some((s) => s.label === "LLM prompt cashflow.predict_dates")).toBe(true);
  });

  it("overrides a confident model that pulls every date in earlier than the stage allows", async () => {
    const tenantId = (await requireTenant(d.db, "demo")).id;
    const owner = await actorByEmail(d.db, tenantId, "owner@demo.example");
    const dispatcher = createDispatcher(d, registry);
    const { deals, stages } = await d.db.tenantTx(tenantId, async (tx) => ({
      deals: await listDeals(tx, clock.now()),
      stages: await loadStageRules(tx),
    }));
    const rules = makeRules(stages);
    llm.pullIn = true;
    llm.requests.length = 0;
    llm.target = { name: "", invoice_on: "", paid_on: "" };
    try {
      const reply = await dispatcher.dispatch({
        kind: "cashflow.forecast",
        origin: { tenantId, userId: owner.userId, channel: "console", conversationId: "t2" },
        idempotencyKey: randomUUID(),
      } as Intent);
      const m = reply.meta as Record<string, any>;
      const byName = new Map<string, any>(m.assumptions.deals.map((x: { name: string }) => [x.name, x]));
      let tooEarly = 0;
      for (const r of llm.requests) {
        const deal = deals.find((x) => String(r.variables.deal).startsWith(`${x.name};`))!;
        const ruled = projectDeal(deal, rules, clock.now());
        const today = "2025-06-18";
        const halfway = new Date(
          Date.parse(`${today}T00:00:00Z`) +
            Math.ceil(
              (Date.parse(`${ruled.invoiceOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) /
                2 /
                86_400_000,
            ) *
              86_400_000,
        )
          .toISOString()
          .slice(0, 10);
        const got = byName.get(deal.name);
        if ("2025-07-08" < halfway) {
          tooEarly++;
          // The rules win: the same dates as with no model at all.
          expect(got).toMatchObject({ method: "rules", invoiceOn: ruled.invoiceOn, paidOn: ruled.paidOn });
          expect(got.rules).toContain("llm_overridden_too_early");
        } else expect(got.method).toBe("llm");
      }
      expect(tooEarly).toBeGreaterThan(0);
      expect(m.llm.overridden).toBe(tooEarly);
    } finally {
      llm.pullIn = false;
    }
  });
});
