import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/** Goals typed as owners type them, offline (no model), through the real dispatcher on the demo data. */
describe("goals read right through `goal …` (no model)", () => {
  let d: TestDeps;
  let tenantId: string;
  beforeAll(async () => {
    d = await createTestDeps({}, { clock: fixedClock("2026-12-02T09:00:00Z") });
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
  });
  afterAll(() => d.cleanup());

  async function say(text: string): Promise<Reply> {
    const actor = await actorByEmail(d.db, tenantId, "owner@demo.example");
    return createDispatcher(d, registry).dispatch({
      ...parseText(text),
      origin: { tenantId, userId: actor.userId, channel: "console", conversationId: `g-${randomUUID()}` },
      idempotencyKey: randomUUID(),
    } as Intent);
  }
  const all = (r: Reply) =>
    [r.text, ...(r.sections ?? []).map((s) => s.text ?? ""), JSON.stringify(r.meta ?? {})].join("\n");

  it("an absolute level: gross margin to 45 % is a target of 45 %, by 31 March", async () => {
    const r = await say("goal raise gross margin to 45% by end of March");
    const text = all(r);
    expect(text).toContain("2027-03-31");
    expect(text).not.toContain("2027-03-02");
    // The requested level, from the baseline to 45 % (not the baseline × 1.45).
    expect(text).toMatch(/→ 45 %\)/);
  });

  it('"by Q2" ends on the quarter\'s last day', async () => {
    expect(all(await say("goal grow revenue 10% by Q2"))).toContain("2027-06-30");
  });

  it("count goals get an honest answer saying what was understood", async () => {
    const r = await say("goal close 3 more deals by end of March");
    expect(r.text).toContain("I can only set goals on your metric series");
    expect(r.text).toContain("close 3 more deals by 2027-03-31");
    const h = await say("goal halve overdue invoices by Q2");
    expect(h.text).toContain("halve overdue invoices by 2027-06-30");
  });

  it('"revenue vs target" compares with the active goal; with none it says so', async () => {
    const none = await say("revenue vs target");
    expect(none.meta?.intent).toBe("ask");
    expect(none.text).toContain("No active goal on this yet");
    const planned = await say("goal grow revenue 5% by end of March");
    const id = (planned.meta?.goalIds as string[] | undefined)?.[0];
    expect(id, planned.text).toBeTruthy();
    const accepted = await say(`goal accept ${id}`);
    expect(accepted.outcome).toMatchObject({ kind: "decided", decision: "accepted" });
    const r = await say("how is revenue vs target");
    expect(r.text).toMatch(/Goal: .*revenue.* — .* \/ .*, 2027-03-31/i);
    expect(r.sources?.[0]?.detail).toContain("target: the active goal's own measure");
  });
});
