import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStageRules, makeRules, projectDeal } from "../../../src/core/features/cashflow/index.js";
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

/** A scripted model: confident about Acme, unsure about Titan Steel deals, down for everything else. */
function fakeLlm(): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
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
  return {
    requests,
    hasModel: () => true,
    health: async () => ({ fake: "ok" }),
    chat: async () => {
      throw new Error("not scripted");
    },
    stream: () => {
      throw new Error("not scripted");
    },
    async structured(schema, req) {
      requests.push(req);
      const deal = String(req.variables.deal);
      if (deal.startsWith("Acme Logistics;"))
        return {
          value: schema.parse({
            invoice_on: "2025-08-01",
            paid_on: "2025-09-05",
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
  };
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
    const reply = await dispatcher.dispatch({
      kind: "cashflow.forecast",
      origin: { tenantId, userId: owner.userId, channel: "console", conversationId: "t" },
      idempotencyKey: randomUUID(),
    } as Intent);
    const m = reply.meta as Record<string, any>;
    const { deals, stages } = await d.db.tenantTx(tenantId, async (tx) => ({
      deals: await listDeals(tx, clock.now()),
      stages: await loadStageRules(tx),
    }));
    const rules = makeRules(stages);
    const notInvoiced = deals.filter((x) => !x.isInvoiced);
    expect(llm.requests).toHaveLength(notInvoiced.length);
    expect(
      llm.requests.every(
        (r) =>
          r.promptId === "cashflow.predict_dates" &&
          r.ctx.feature === "cashflow" &&
          r.ctx.userId === owner.userId,
      ),
    ).toBe(true);
    const byName = new Map<string, any>(m.assumptions.deals.map((x: { name: string }) => [x.name, x]));
    const acme = byName.get("Acme Logistics");
    expect(acme).toMatchObject({
      method: "llm",
      invoiceOn: "2025-08-01",
      paidOn: "2025-09-05",
      confidence: 0.8,
    });
    const titan = deals.filter((x) => x.name.startsWith("Titan Steel") && !x.isInvoiced);
    expect(titan.length).toBeGreaterThan(0);
    for (const t of titan) {
      const got = byName.get(t.name);
      const rulesOnly = projectDeal(t, rules, clock.now());
      expect(got).toMatchObject({ method: "rules", paidOn: rulesOnly.paidOn, confidence: 0.2 });
      expect(got.rules).toContain("llm_overridden_low_confidence");
    }
    const other = notInvoiced.find((x) => x.name !== "Acme Logistics" && !x.name.startsWith("Titan Steel"))!;
    expect(byName.get(other.name)).toMatchObject({
      method: "rules",
      paidOn: projectDeal(other, rules, clock.now()).paidOn,
    });
    expect(byName.get(other.name).rules).toContain("llm_failed");
    expect(m.llm).toEqual({
      asked: notInvoiced.length,
      used: 1,
      overridden: titan.length,
      failed: notInvoiced.length - 1 - titan.length,
    });
    expect(reply.sources?.some((s) => s.label === "LLM prompt cashflow.predict_dates")).toBe(true);
  });
});
