import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import { honestText, liarText, phraser } from "../../support/phrasing-model.js";
import { createHarness, type Harness } from "./harness.js";

/**
 * The Slack path end to end with a model configured: a DM question is answered by code, phrased by
 * the model (local OpenAI-compatible server) and delivered through the Web API; a lying model's
 * sentence never reaches Slack — the template wording does.
 */
let h: Harness;
let openai: FakeOpenAi;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  h = await createHarness({
    env: {
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test",
      LLM_CACHE_TTL_SECONDS: "0",
      LLM_STARTUP_PROBE: "false",
      LLM_TENANT_RATE_PER_MIN: "100000",
    },
  });
});
afterAll(async () => {
  await h?.close();
  await openai?.close();
});

let seq = 0;
async function dm(text: string): Promise<string> {
  seq++;
  await h.event({
    type: "message",
    channel_type: "im",
    channel: "D0OWNER",
    user: "U0OWNER",
    text,
    ts: `1700009${seq}00.000100`,
  });
  await h.runtime.idle();
  const sent = [...h.api.callsTo("chat.postMessage"), ...h.api.callsTo("chat.update")].filter(
    (c) => c.params.channel === "D0OWNER",
  );
  return String(sent.at(-1)?.params.text ?? "");
}

async function overdue(): Promise<string> {
  const tenantId = (await requireTenant(h.deps.db, "demo")).id;
  const today = new Date().toISOString().slice(0, 10);
  const v = await h.deps.db.tenantTx(tenantId, async (tx) =>
    Number(
      resultRows<{ v: string }>(
        await tx.execute(sql`select coalesce(sum(o.out), 0) as v from (select i.due_on, i.amount_minor - coalesce((select sum(p.amount_minor) from payments p where p.invoice_id = i.id), 0) as out
             from invoices i where i.status = 'open') o where o.out > 0 and o.due_on < ${today}::date`),
      )[0]!.v,
    ),
  );
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    maximumFractionDigits: 0,
  }).format(v / 100);
}

describe("Slack DMs: the model phrases computed answers, the checker guards what is posted", () => {
  it("an honest model's sentence is posted, with the computed figure", async () => {
    openai.setDefault(phraser((r) => honestText(r)));
    const text = await dm("how much is overdue");
    expect(text).toMatch(/^It is \$/);
    expect(text).toContain(await overdue());
  });

  it("a liar's changed figure is never posted: the template wording is", async () => {
    openai.setDefault(phraser(liarText));
    const text = await dm("how much is overdue?");
    expect(text).not.toMatch(/^It is/);
    expect(text).toMatch(/^\*?Overdue/);
    expect(text).toContain(await overdue());
  });
});
