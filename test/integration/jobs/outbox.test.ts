import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackRuntime } from "../../../src/bots/slack/runtime.js";
import { loadConfig } from "../../../src/config.js";
import {
  backoffMs,
  deliverDue,
  enqueue,
  OUTBOX_MAX_ATTEMPTS,
  outboxDepth,
} from "../../../src/core/features/outbox/index.js";
import { outbox } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { registry } from "../../../src/core/registry.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakeSlackApi } from "../../support/fake-slack-api.js";
import { HttpSink, HttpSinkAdapter } from "../../support/http-sink.js";
import { makeTenant } from "./fixtures.js";

const clock = fixedClock("2026-11-20T10:00:00Z");
let d: TestDeps;
let sink: HttpSink;
let tenantId: string;
let n = 0;

beforeAll(async () => {
  d = await createTestDeps({}, { clock });
  sink = await new HttpSink().start();
  d.channels.set("slack", new HttpSinkAdapter(sink.url, "slack"));
  ({ tenantId } = await makeTenant(d, "outbox"));
});
afterAll(async () => {
  await sink?.stop();
  await d?.cleanup();
});
beforeEach(() => {
  sink.messages.length = 0;
});

async function put(address = `C${n + 1}`, text = "hello"): Promise<string> {
  n++;
  await d.db.tenantTx(tenantId, (tx) =>
    enqueue(
      tx,
      {
        tenantId,
        dedupeKey: `test:${n}:${address}`,
        target: { channel: "slack", address },
        payload: { text },
      },
      clock.now(),
    ),
  );
  const [row] = await d.db.tenantTx(tenantId, (tx) =>
    tx
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `test:${n}:${address}`)),
  );
  return row!.id;
}
const row = async (id: string) =>
  (await d.db.tenantTx(tenantId, (tx) => tx.select().from(outbox).where(eq(outbox.id, id))))[0]!;
const deliver = () => deliverDue(d, d.channels, tenantId, 20, { noPacing: true });

describe("outbox delivery", () => {
  it("retries a 503 and a 429 (honouring Retry-After) and then delivers exactly once", async () => {
    const id = await put();
    sink.failNext({ status: 503 }, { status: 429, retryAfter: 120 });
    expect((await deliver()).failed).toBe(1);
    expect(await row(id)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: expect.stringContaining("503"),
    });
    clock.advance(backoffMs(1));
    expect((await deliver()).failed).toBe(1);
    const r2 = await row(id);
    expect(r2.nextAttemptAt.getTime() - clock.now().getTime()).toBe(120_000); // Retry-After beats the 20 s backoff
    clock.advance(60_000);
    expect((await deliver()).results).toHaveLength(0); // not due yet
    clock.advance(60_000);
    expect((await deliver()).sent).toBe(1);
    expect(await row(id)).toMatchObject({
      status: "sent",
      attempts: 3,
      channelMessageId: sink.messages[0]!.id,
    });
    expect(sink.counts().get(id)).toBe(1);
  });

  it("after a crash between 'channel accepted' and 'recorded', the retry finds the message and does not post it again", async () => {
    const id = await put();
    // The first attempt reached the channel, then the process died before recording it.
    await new HttpSinkAdapter(sink.url).send(
      { channel: "slack", address: "C-x", idempotencyKey: id },
      { text: "hello" },
    );
    await d.db.tenantTx(tenantId, (tx) =>
      tx
        .update(outbox)
        .set({ status: "sending", attempts: 1, lockedUntil: new Date(clock.now().getTime() - 1) })
        .where(eq(outbox.id, id)),
    );
    const report = await deliver();
    expect(report.results).toEqual([
      { outboxId: id, status: "sent", messageIds: [sink.messages[0]!.id], recovered: true },
    ]);
    expect(sink.counts().get(id)).toBe(1);
    expect(await d.metrics.registry.getSingleMetricAsString("keel_outbox_recovered_total")).toMatch(
      /channel="slack"\} 1/,
    );
  });

  it(`gives up after ${OUTBOX_MAX_ATTEMPTS} attempts and alerts the tenant owner`, async () => {
    const id = await put("C-broken", "never arrives");
    sink.failNext(...Array.from({ length: OUTBOX_MAX_ATTEMPTS }, () => ({ status: 500 })));
    for (let i = 1; i <= OUTBOX_MAX_ATTEMPTS; i++) {
      const r = await deliverDue(d, new Map([["slack", d.channels.get("slack")!]]), tenantId, 1, {
        noPacing: true,
      });
      expect(r.results[0]?.status).toBe(i < OUTBOX_MAX_ATTEMPTS ? "failed" : "dead");
      clock.advance(backoffMs(i));
    }
    expect(await row(id)).toMatchObject({ status: "dead", attempts: OUTBOX_MAX_ATTEMPTS });
    expect((await outboxDepth(d)).dead).toBe(1);
    // The owner's alert went through the outbox to the owner's Slack account.
    await deliver();
    const alert = sink.messages.find((m) => m.address === "U-outbox");
    expect(alert?.text).toMatch(new RegExp(`could not be delivered after ${OUTBOX_MAX_ATTEMPTS} attempts`));
    expect(sink.counts().get(id)).toBeUndefined();
    expect(await d.metrics.registry.getSingleMetricAsString("keel_outbox_dead_letters_total")).toMatch(
      /channel="slack"\} 1/,
    );
  });

  it("paces messages to one channel address: on Slack at least 1 s apart (the Slack adapter's own pacer)", async () => {
    // Pacing lives in the Slack adapter, not in the outbox: the real adapter as the runtime builds it
    // (default pace, shared through the store), posting to the local Slack Web API.
    const api = await new FakeSlackApi().start();
    const settings = loadConfig({
      SLACK_SIGNING_SECRET: "outbox-signing-secret-0123456789",
      SLACK_API_URL: api.url,
      SLACK_BOT_TOKEN: "xoxb-outbox",
      SLACK_TENANT: "outbox",
    }).slack;
    const runtime = createSlackRuntime(
      { deps: d, dispatcher: createDispatcher(d, registry), close: async () => {} },
      settings,
    );
    try {
      await put("C-paced", "one");
      await put("C-paced", "two");
      await put("C-other", "three");
      expect((await deliverDue(d, new Map([["slack", runtime.adapter]]), tenantId)).sent).toBe(3);
      const paced = api.callsTo("chat.postMessage").filter((c) => c.params.channel === "C-paced");
      expect(paced.map((c) => c.params.text)).toEqual(["one", "two"]);
      expect(paced[1]!.at - paced[0]!.at).toBeGreaterThanOrEqual(950);
    } finally {
      await runtime.stop();
      await api.stop();
    }
  });

  it("holds a message enqueued with notBefore (quiet hours) until then", async () => {
    const until = new Date(clock.now().getTime() + 3_600_000);
    await d.db.tenantTx(tenantId, (tx) =>
      enqueue(
        tx,
        {
          tenantId,
          dedupeKey: "quiet:1",
          target: { channel: "slack", address: "C-quiet" },
          payload: { text: "later" },
          notBefore: until,
        },
        clock.now(),
      ),
    );
    expect((await deliver()).results).toHaveLength(0);
    clock.set(until);
    expect((await deliver()).sent).toBe(1);
  });
});
