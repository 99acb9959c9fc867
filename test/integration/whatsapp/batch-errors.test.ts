import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TEMPLATE_PARAM_MAX } from "../../../src/bots/whatsapp/cloud/transport.js";
import { deliverDue, enqueue } from "../../../src/core/features/outbox/index.js";
import { outbox } from "../../../src/core/infra/db/schema/index.js";
import { type CloudHarness, cloudHarness, PNID } from "./cloud-harness.js";

const OWNER = "+15550000001";
const OWNER_DIGITS = "15550000001";
type Sent = { to?: string; recipient?: string; type: string; text?: { body: string }; template?: unknown };

/** One webhook POST carrying several messages, as Meta batches them (real field names). */
function batch(messages: Record<string, unknown>[], contacts: Record<string, unknown>[] = []) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: PNID },
              contacts,
              messages,
            },
          },
        ],
      },
    ],
  };
}
let seq = 0;
const msg = (extra: Record<string, unknown>) => ({
  id: `wamid.BATCH${++seq}${Date.now()}`,
  timestamp: String(Math.floor(Date.now() / 1000)),
  type: "text",
  ...extra,
});

describe("a webhook batch is read message by message", () => {
  let h: CloudHarness;
  const sent = () => h.graph.messages() as unknown as Sent[];
  beforeAll(async () => {
    h = await cloudHarness();
  }, 240_000);
  afterAll(() => h?.close());
  beforeEach(() => h.graph.reset());

  it("a username user without wa_id (BSUID only) plus a normal message: both are answered", async () => {
    const res = await h.post(
      batch(
        [
          msg({ from_user_id: "US.13491208655302741918", text: { body: "hello there" } }),
          msg({ from: OWNER_DIGITS, from_user_id: "US.99887766554433", text: { body: "deals" } }),
        ],
        [
          { profile: { name: "Sam", username: "@sam" }, user_id: "US.13491208655302741918" },
          { profile: { name: "Owner" }, wa_id: OWNER_DIGITS, user_id: "US.99887766554433" },
        ],
      ),
    );
    expect(res.status).toBe(200);
    const toOwner = sent().filter((m) => m.to === OWNER_DIGITS);
    expect(toOwner.length).toBeGreaterThan(0);
    expect(JSON.stringify(toOwner)).toContain("Acme");
    // The stranger behind the username is answered through `recipient` (their BSUID), politely refused.
    const toStranger = sent().filter((m) => m.recipient === "US.13491208655302741918");
    expect(toStranger).toHaveLength(1);
    expect(toStranger[0]!.to).toBeUndefined();
    expect(toStranger[0]!.text?.body).toContain("private business assistant");
  });

  it("one unreadable message (no sender at all, no id) never drops the others", async () => {
    const res = await h.post(
      batch([
        msg({ text: { body: "who am I" } }),
        { type: "text", text: { body: "no id, no sender" } },
        msg({ from: OWNER_DIGITS, text: { body: "deals" } }),
      ]),
    );
    expect(res.status).toBe(200);
    expect(sent().filter((m) => m.to === OWNER_DIGITS).length).toBeGreaterThan(0);
  });
});

describe("Graph error codes", () => {
  let h: CloudHarness;
  const rows = () => h.d.db.tenantTx(h.tenantId, (tx) => tx.select().from(outbox));
  async function put(key: string, text: string) {
    await h.d.db.tenantTx(h.tenantId, (tx) =>
      enqueue(
        tx,
        {
          tenantId: h.tenantId,
          dedupeKey: key,
          target: { channel: "whatsapp", address: OWNER },
          payload: { text },
        },
        h.d.clock.now(),
      ),
    );
    return (await rows()).find((r) => r.dedupeKey === key)!;
  }
  beforeAll(async () => {
    h = await cloudHarness();
    // The owner wrote recently: Keel's record says the 24-hour window is open.
    await h.post(batch([msg({ from: OWNER_DIGITS, text: { body: "hi" } })]));
  }, 240_000);
  afterAll(() => h?.close());
  beforeEach(() => h.graph.reset());

  it("131047 without a template: held (not retried as free text), and the reason says so", async () => {
    const row = await put("g:131047", "Your weekly summary");
    h.graph.failNext(1, { status: 400, code: 131047, message: "Re-engagement message" });
    const rep = await deliverDue(h.d, h.d.channels, h.tenantId, 20, { noPacing: true });
    expect(rep.results.find((r) => r.outboxId === row.id)?.status).toBe("deferred");
    const after = (await rows()).find((r) => r.id === row.id)!;
    expect(after.status).toBe("pending");
    expect(after.lastError).toContain("131047");
    expect(after.lastError).toContain("WHATSAPP_CLOUD_TEMPLATE");
    expect(after.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(h.graph.messages()).toHaveLength(1); // no immediate second free-text attempt
  });

  it("a non-retryable Graph error (131026 undeliverable) is dead at once and the owner is alerted", async () => {
    const row = await put("g:131026", "Invoice reminder");
    h.graph.failNext(1, { status: 400, code: 131026, message: "Message undeliverable" });
    const rep = await deliverDue(h.d, h.d.channels, h.tenantId, 20, { noPacing: true });
    expect(rep.results.find((r) => r.outboxId === row.id)?.status).toBe("dead");
    const after = (await rows()).find((r) => r.id === row.id)!;
    expect(after.attempts).toBe(1);
    expect(after.lastError).toContain("131026");
    expect((await rows()).some((r) => r.dedupeKey === `dead-letter:${row.id}`)).toBe(true);
  });

  it("a retryable one (131000, 500) stays failed and is retried later", async () => {
    await deliverDue(h.d, h.d.channels, h.tenantId, 20, { noPacing: true }); // the alert above goes out first
    const row = await put("g:131000", "Pipeline update");
    h.graph.failNext(1, { status: 500, code: 131000, message: "Something went wrong" });
    await deliverDue(h.d, h.d.channels, h.tenantId, 20, { noPacing: true });
    const after = (
      await h.d.db.tenantTx(h.tenantId, (tx) => tx.select().from(outbox).where(eq(outbox.id, row.id)))
    )[0]!;
    expect(after.status).toBe("failed");
  });
});

describe("131047 with a template configured", () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await cloudHarness({
      WHATSAPP_CLOUD_TEMPLATE: "keel_update",
      WHATSAPP_CLOUD_TEMPLATE_BODY_PARAM: "true",
    });
    await h.post(batch([msg({ from: OWNER_DIGITS, text: { body: "hi" } })]));
  }, 240_000);
  afterAll(() => h?.close());

  it("sends the template instead, with {{1}} bounded", async () => {
    h.graph.reset();
    await h.d.db.tenantTx(h.tenantId, (tx) =>
      enqueue(
        tx,
        {
          tenantId: h.tenantId,
          dedupeKey: "t:131047",
          target: { channel: "whatsapp", address: OWNER },
          payload: { text: "Long update. ".repeat(200) },
        },
        h.d.clock.now(),
      ),
    );
    h.graph.failNext(1, { status: 400, code: 131047, message: "Re-engagement message" });
    const rep = await deliverDue(h.d, h.d.channels, h.tenantId, 20, { noPacing: true });
    expect(rep.sent).toBe(1);
    const tpl = h.graph.messages().find((m) => m.type === "template") as {
      template: { name: string; components?: { parameters: { text: string }[] }[] };
    };
    expect(tpl.template.name).toBe("keel_update");
    const param = tpl.template.components?.[0]?.parameters[0]?.text ?? "";
    expect(param.length).toBeGreaterThan(0);
    expect(param.length).toBeLessThanOrEqual(TEMPLATE_PARAM_MAX);
  });
});
