import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signBody } from "../../../src/bots/whatsapp/cloud/signature.js";
import { BUSY_TEXT } from "../../../src/bots/whatsapp/inbound.js";
import { outboxQueue } from "../../../src/core/features/outbox/index.js";
import { inboundTurns, outbox } from "../../../src/core/infra/db/schema/index.js";
import { inboxRecoveryJob, outboxDispatchJob } from "../../../src/jobs/index.js";
import type { JobContext } from "../../../src/jobs/types.js";
import { soloOwnerPolicy } from "../../support/solo-owner.js";
import { APP_SECRET, type CloudHarness, cloudHarness, PNID, text } from "../whatsapp/cloud-harness.js";

/**
 * Load shedding on WhatsApp Cloud webhooks (real inbox, outbox and dispatcher; local Graph API).
 * The turn queue is tiny (one running, one waiting, two per contact) and held busy by the test, so
 * what is shed is decided by the queue. A shed message is acknowledged like any other, its contact
 * hears "busy" once a minute at most, and the inbox sweep answers it exactly once.
 */
const OWNER = "+15550000001";
const MANAGER = "+15550000002";
const REP = "+15550000003";
let h: CloudHarness;
let release: () => void = () => {};

beforeAll(async () => {
  h = await cloudHarness({}, undefined, {
    depsEnv: {
      KEEL_TURNS_CONCURRENCY: "1",
      KEEL_TURNS_QUEUE: "1",
      KEEL_TURNS_PER_USER: "2",
      KEEL_SHED_RETRY_SECONDS: "1",
      KEEL_OUTBOX_CONCURRENCY: "1",
      KEEL_OUTBOX_QUEUE: "0",
    },
  });
  await soloOwnerPolicy(h.d, h.tenantId);
});
afterAll(async () => {
  release();
  await h?.close();
});
beforeEach(async () => {
  h.graph.reset();
  for (const n of [OWNER, MANAGER, REP]) await h.d.store.del(`whatsapp:busy:${PNID}:${n.replace("+", "")}`);
});

const idOf = (body: ReturnType<typeof text>) =>
  (body.entry[0]!.changes[0]!.value as { messages: { id: string }[] }).messages[0]!.id;
const turn = async (id: string) =>
  (
    await h.d.db.orm
      .select()
      .from(inboundTurns)
      .where(and(eq(inboundTurns.channel, "whatsapp"), eq(inboundTurns.key, `${PNID}:${id}`)))
  )[0];
const to = (n: string) => h.graph.messages().filter((m) => (m as { to?: string }).to === n.replace("+", ""));
const textOf = (m: Record<string, unknown>) => String((m as { text?: { body?: string } }).text?.body ?? "");
const jobCtx = (): JobContext => ({
  now: new Date(),
  slot: new Date(Math.floor(Date.now() / 5000) * 5000 + 1000),
  signal: new AbortController().signal,
  runner: "test-sweeper",
  claims: { add() {}, delete() {} },
  hooks: {},
  log: h.d.logger,
});

/** A signed webhook, acknowledged without waiting for the work (which may be queued). */
async function deliver(body: unknown): Promise<Response> {
  const raw = JSON.stringify(body);
  return h.app.request("/whatsapp/webhook", {
    method: "POST",
    body: raw,
    headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, APP_SECRET) },
  });
}

function holdQueue(): void {
  const gate = new Promise<void>((r) => {
    release = r;
  });
  void h.wa.queue.run(() => gate);
}

async function sweepUntilAnswered(ids: string[]): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const rows = await Promise.all(ids.map(turn));
    if (rows.every((r) => r?.status === "answered")) return;
    await new Promise((r) => setTimeout(r, 1_100));
    await outboxDispatchJob.run(h.d, jobCtx());
    await inboxRecoveryJob.run(h.d, jobCtx());
    await h.wa.drain();
  }
}

/** One reply row per message, sent once. */
async function replyRows(id: string) {
  return h.d.db.tenantTx(h.tenantId, (tx) =>
    tx
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `whatsapp:reply:${PNID}:${id}`)),
  );
}

describe("WhatsApp messages beyond the queue", () => {
  it("three people write while the queue is full: the webhook acks all, two hear 'busy', all three are answered once", async () => {
    holdQueue();
    const bodies = [OWNER, MANAGER, REP].map((n) => text(n, "deals"));
    const acks = await Promise.all(bodies.map(deliver));
    expect(acks.map((a) => a.status)).toEqual([200, 200, 200]);
    for (let i = 0; i < 50 && h.graph.messages().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const busy = h.graph.messages().filter((m) => textOf(m) === BUSY_TEXT);
    expect(busy).toHaveLength(2);
    const shed = await Promise.all(bodies.map((b) => turn(idOf(b))));
    expect(shed.filter((t) => t?.lastError === "shed: queue full")).toHaveLength(2);
    release();
    await h.wa.drain();
    const ids = bodies.map(idOf);
    await sweepUntilAnswered(ids);
    for (const id of ids) {
      expect(await turn(id)).toMatchObject({ status: "answered" });
      const rows = await replyRows(id);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe("sent");
    }
    for (const n of [OWNER, MANAGER, REP]) {
      const msgs = to(n);
      expect(msgs.filter((m) => textOf(m) === BUSY_TEXT).length, n).toBeLessThanOrEqual(1);
      expect(msgs.filter((m) => textOf(m) !== BUSY_TEXT).length, n).toBeGreaterThanOrEqual(1);
    }
  });

  it("one contact sends four messages in a burst: two are taken, two shed, 'busy' is sent once; all four answered", async () => {
    h.wa.queue.limits.maxQueued = 10;
    holdQueue();
    const bodies = ["deals", "invoices overdue", "deals stuck", "help"].map((t) => text(OWNER, t));
    for (const b of bodies) expect((await deliver(b)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(to(OWNER).filter((m) => textOf(m) === BUSY_TEXT)).toHaveLength(1);
    const rows = await Promise.all(bodies.map((b) => turn(idOf(b))));
    expect(rows.map((r) => r?.lastError ?? null)).toEqual([
      null,
      null,
      "shed: queue full",
      "shed: queue full",
    ]);
    release();
    await h.wa.drain();
    await sweepUntilAnswered(bodies.map(idOf));
    for (const b of bodies) expect(await replyRows(idOf(b))).toHaveLength(1);
    h.wa.queue.limits.maxQueued = 1;
  });

  it("the outbox queue is full: the reply waits in the outbox, the dispatcher sends it once, the turn is answered", async () => {
    const gate = new Promise<void>((r) => {
      release = r;
    });
    void outboxQueue(h.d).run(() => gate);
    const body = text(MANAGER, "deals");
    await deliver(body);
    await h.wa.drain();
    const id = idOf(body);
    const [row] = await replyRows(id);
    expect(row).toMatchObject({ status: "pending" });
    expect(await turn(id)).toMatchObject({
      status: "pending",
      lastError: "whatsapp:reply-not-delivered-yet",
    });
    release();
    await outboxDispatchJob.run(h.d, jobCtx());
    const [after] = await replyRows(id);
    expect(after).toMatchObject({ status: "sent", attempts: 1 });
    // The sweep sees the reply delivered and marks the turn answered (its retry time made due).
    await h.d.db.orm
      .update(inboundTurns)
      .set({ lockedUntil: new Date(Date.now() - 1) })
      .where(eq(inboundTurns.key, `${PNID}:${id}`));
    await sweepUntilAnswered([id]);
    expect(await turn(id)).toMatchObject({ status: "answered" });
    expect(await replyRows(id)).toHaveLength(1);
    const text_ = await (await h.app.request("/metrics")).text();
    expect(text_).toMatch(/keel_queue_shed_total\{queue="outbox"\} [1-9]/);
    expect(text_).toMatch(/keel_queue_in_flight\{queue="whatsapp_turns"\} 0/);
  });
});
