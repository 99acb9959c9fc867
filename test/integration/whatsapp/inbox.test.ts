import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { receiveTurn } from "../../../src/core/features/inbox/index.js";
import { deliverDue } from "../../../src/core/features/outbox/index.js";
import { inboundTurns, outbox } from "../../../src/core/infra/db/schema/index.js";
import { inboxRecoveryJob } from "../../../src/jobs/index.js";
import type { JobContext } from "../../../src/jobs/types.js";
import { soloOwnerPolicy } from "../../support/solo-owner.js";
import { type CloudHarness, cloudHarness, PNID, text } from "./cloud-harness.js";

/**
 * WhatsApp Cloud messages in the inbox: recorded before the webhook is acknowledged, answered once
 * the reply is delivered — also when Graph is down for a while, and when the worker died after the
 * ack (the recovery sweep answers). Meta's redeliveries of a message id do nothing more.
 */
const OWNER = "+15550000001";
let h: CloudHarness;
const messageId = (body: ReturnType<typeof text>) =>
  (body.entry[0]!.changes[0]!.value as { messages: { id: string }[] }).messages[0]!.id;
const turn = async (id: string) =>
  (
    await h.d.db.orm
      .select()
      .from(inboundTurns)
      .where(and(eq(inboundTurns.channel, "whatsapp"), eq(inboundTurns.key, `${PNID}:${id}`)))
  )[0];
const sentTo = () => h.graph.messages().filter((m) => (m as { to?: string }).to === "15550000001");
const jobCtx = (): JobContext => ({
  now: new Date(),
  slot: new Date(Math.floor(Date.now() / 5000) * 5000 + 1000),
  signal: new AbortController().signal,
  runner: "test-sweeper",
  claims: { add() {}, delete() {} },
  hooks: {},
  log: h.d.logger,
});
const expire = (id: string) =>
  h.d.db.orm
    .update(inboundTurns)
    .set({ lockedUntil: new Date(Date.now() - 1) })
    .where(eq(inboundTurns.id, id));

beforeAll(async () => {
  h = await cloudHarness();
  await soloOwnerPolicy(h.d, h.tenantId);
});
afterAll(() => h.close());
beforeEach(() => h.graph.reset());

describe("WhatsApp Cloud messages go through the inbox", () => {
  it("a message is answered, its turn marked answered and its text forgotten; Meta's redelivery does nothing", async () => {
    const body = text(OWNER, "deals");
    expect((await h.post(body)).status).toBe(200);
    expect(await turn(messageId(body))).toMatchObject({ status: "answered", payload: null, attempts: 1 });
    const n = sentTo().length;
    expect(n).toBeGreaterThan(0);
    await h.post(body);
    expect(sentTo()).toHaveLength(n);
  });

  it("Graph down: the turn waits (pending) until the reply is delivered, then the sweep marks it answered", async () => {
    h.graph.failNext(50, { status: 500, code: 2, message: "Service temporarily unavailable" });
    const body = text(OWNER, "invoices overdue");
    await h.post(body);
    const row = await turn(messageId(body));
    expect(row).toMatchObject({
      status: "pending",
      owner: null,
      lastError: "whatsapp:reply-not-delivered-yet",
    });
    expect(JSON.stringify(row!.payload)).toContain("invoices overdue");
    h.graph.reset();
    // The outbox retries on its own schedule (backoff); here, now.
    await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx
        .update(outbox)
        .set({ nextAttemptAt: new Date(Date.now() - 1) })
        .where(eq(outbox.status, "failed")),
    );
    await deliverDue(h.d, h.d.channels, h.tenantId, 20, { noPacing: true });
    await h.d.db.orm
      .update(inboundTurns)
      .set({ lockedUntil: new Date(Date.now() - 1) })
      .where(eq(inboundTurns.id, row!.id));
    const before = sentTo().length;
    await inboxRecoveryJob.run(h.d, jobCtx());
    await h.wa.drain();
    expect(await turn(messageId(body))).toMatchObject({ status: "answered", payload: null });
    // The sweep did not answer a second time.
    expect(sentTo()).toHaveLength(before);
  });

  it("the worker died after the ack: the sweep answers the message once", async () => {
    const body = text(OWNER, "deal Acme Logistics");
    const id = messageId(body);
    const { turn: t } = await receiveTurn(
      h.d,
      {
        channel: "whatsapp",
        key: `${PNID}:${id}`,
        kind: "message",
        account: PNID,
        payload: {
          account: PNID,
          from: OWNER,
          messageId: id,
          at: new Date().toISOString(),
          content: { type: "text", text: "deal Acme Logistics" },
        },
      },
      "dead-worker",
    );
    await expire(t.id);
    expect(await inboxRecoveryJob.run(h.d, jobCtx())).toMatchObject({ resumed: 1 });
    await h.wa.drain();
    expect(await turn(id)).toMatchObject({ status: "answered", attempts: 2 });
    const texts = sentTo().map((m) => JSON.stringify(m));
    expect(texts.join("\n")).toContain("Acme Logistics");
    // Meta redelivers the same message later: answered already.
    const n = sentTo().length;
    await h.post(body);
    expect(sentTo()).toHaveLength(n);
  });
});
