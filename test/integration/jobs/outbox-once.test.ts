import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChannelPacer } from "../../../src/bots/slack/pacer.js";
import { createSlackRuntime, type SlackRuntime } from "../../../src/bots/slack/runtime.js";
import { ContactPacer } from "../../../src/bots/whatsapp/pacer.js";
import { loadConfig } from "../../../src/config.js";
import type { Deps } from "../../../src/core/deps.js";
import { backoffMs, deliverDue, enqueue, OUTBOX_LEASE_MS } from "../../../src/core/features/outbox/index.js";
import { outbox } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { registry } from "../../../src/core/registry.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakeSlackApi } from "../../support/fake-slack-api.js";
import { type CloudHarness, cloudHarness, text } from "../whatsapp/cloud-harness.js";
import { makeTenant } from "./fixtures.js";

/**
 * A live sender whose claim runs out while its send waits for the pacing slot (renewals stalled:
 * a blocked event loop, a starved pool) must not send once another replica has taken the row over.
 * Replica B is replica A with a clock one lease ahead: to B, A's lease has run out, as it would after
 * renewals that did not land. Posts to the address were just made (a pacer slot taken), so A's send
 * waits its turn (PACE_MS) while B takes the row over (attempt 2), looks for it on the channel (not
 * there yet) and sends it. Counted where the platform sees it: one message.
 */
const PACE_MS = 2_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the row is claimed (status sending) by its first attempt. */
async function claimedOnce(d: Deps, tenantId: string, id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await d.db.tenantTx(tenantId, (tx) => tx.select().from(outbox).where(eq(outbox.id, id)));
    if (row?.status === "sending" && row.attempts === 1) return;
    await sleep(10);
  }
  throw new Error("the first sender never claimed the row");
}

async function put(d: Deps, tenantId: string, target: { channel: string; address: string }, text: string) {
  const [row] = await d.db.tenantTx(tenantId, async (tx) => {
    await enqueue(tx, { tenantId, dedupeKey: `fence:${text}`, target, payload: { text } }, d.clock.now());
    return tx
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `fence:${text}`));
  });
  return row!;
}

describe("an outbox message reaches Slack once", () => {
  const clock = fixedClock(new Date());
  let d: TestDeps;
  let tenantId: string;
  let api: FakeSlackApi;
  const runtimes: SlackRuntime[] = [];

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    ({ tenantId } = await makeTenant(d, "fence"));
    api = await new FakeSlackApi().start();
  });
  afterAll(async () => {
    for (const r of runtimes) await r.stop();
    await api?.stop();
    await d?.cleanup();
  });

  function slackReplica(deps: Deps): SlackRuntime {
    const settings = loadConfig({
      SLACK_SIGNING_SECRET: "fence-signing-secret-0123456789",
      SLACK_API_URL: api.url,
      SLACK_BOT_TOKEN: "xoxb-fence",
      SLACK_TENANT: "fence",
    }).slack;
    const r = createSlackRuntime(
      { deps, dispatcher: createDispatcher(deps, registry), close: async () => {} },
      settings,
      {
        paceMs: PACE_MS,
        retryConfig: { retries: 0 },
      },
    );
    runtimes.push(r);
    return r;
  }

  it("Slack: the replica that took the row over posts it once; the one whose claim ran out posts nothing", async () => {
    const later = { ...d, clock: fixedClock(new Date(clock.now().getTime() + OUTBOX_LEASE_MS + 1_000)) };
    const a = new Map([["slack", slackReplica(d).adapter]]);
    const b = new Map([["slack", slackReplica(later).adapter]]);
    const row = await put(d, tenantId, { channel: "slack", address: "C0FENCE" }, "fenced alert");
    // Another post to the channel just took the slot: A's post waits PACE_MS for the next one.
    await new ChannelPacer(PACE_MS, d.store).run("C0FENCE", async () => {});
    const first = deliverDue(d, a, tenantId);
    await claimedOnce(d, tenantId, row.id);
    const second = await deliverDue(later, b, tenantId);
    const firstReport = await first;

    const posts = api.messages.filter(
      (m) => (m.metadata?.event_payload as { outbox_id?: string } | undefined)?.outbox_id === row.id,
    );
    expect(posts.map((m) => m.text)).toEqual(["fenced alert"]);
    expect(second.results.map((r) => r.status)).toEqual(["sent"]);
    expect(firstReport.results.map((r) => r.status)).toEqual(["superseded"]);
    const [after] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(outbox).where(eq(outbox.id, row.id)),
    );
    expect(after).toMatchObject({ status: "sent", attempts: 2, channelMessageId: `C0FENCE:${posts[0]!.ts}` });
  }, 30_000);

  it("Slack: a post whose answer timed out is not repeated by the Web API client; the next attempt finds it", async () => {
    // Slack takes the post but answers after the client's timeout. The client's own retry policy
    // (here 2 quick retries) must not post it again; the outbox's next attempt looks it up instead.
    const settings = loadConfig({
      SLACK_SIGNING_SECRET: "fence-signing-secret-0123456789",
      SLACK_API_URL: api.url,
      SLACK_BOT_TOKEN: "xoxb-fence",
      SLACK_TENANT: "fence",
    }).slack;
    const r = createSlackRuntime(
      { deps: d, dispatcher: createDispatcher(d, registry), close: async () => {} },
      settings,
      {
        paceMs: 0,
        timeoutMs: 1_000,
        retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 },
      },
    );
    runtimes.push(r);
    const channels = new Map([["slack", r.adapter]]);
    const row = await put(d, tenantId, { channel: "slack", address: "C0SLOW" }, "slow answer");
    api.failNext("chat.postMessage", { hangMs: 3_000, acceptFirst: true });
    const first = await deliverDue(d, channels, tenantId);
    clock.advance(backoffMs(1));
    const second = await deliverDue(d, channels, tenantId);

    const posts = api.messages.filter(
      (m) => (m.metadata?.event_payload as { outbox_id?: string } | undefined)?.outbox_id === row.id,
    );
    expect(posts.map((m) => m.text)).toEqual(["slow answer"]);
    expect(first.results.map((x) => x.status)).toEqual(["failed"]);
    expect(second.results.map((x) => x.status)).toEqual(["sent"]);
    const [after] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(outbox).where(eq(outbox.id, row.id)),
    );
    expect(after).toMatchObject({ status: "sent", attempts: 2, channelMessageId: `C0SLOW:${posts[0]!.ts}` });
  }, 30_000);
});

describe("outbox claim fence on WhatsApp (no platform lookup: the fence alone keeps it once)", () => {
  const OWNER = "+15550000001";
  const clock = fixedClock(new Date());
  let h: CloudHarness;
  beforeAll(async () => {
    h = await cloudHarness({ WHATSAPP_PACING_MS: String(PACE_MS) }, clock);
    await h.post(text(OWNER, "help")); // opens the 24-hour window
  });
  afterAll(() => h?.close());

  it("the replica that took the row over sends it once; the one whose claim ran out sends nothing", async () => {
    const later = { ...h.d, clock: fixedClock(new Date(clock.now().getTime() + OUTBOX_LEASE_MS + 1_000)) };
    const row = await put(h.d, h.tenantId, { channel: "whatsapp", address: OWNER }, "fenced digest");
    await new ContactPacer(PACE_MS, h.d.store).wait(OWNER);
    const before = h.graph.messages().length;
    const first = deliverDue(h.d, h.d.channels, h.tenantId);
    await claimedOnce(h.d, h.tenantId, row.id);
    const second = await deliverDue(later, h.d.channels, h.tenantId);
    const firstReport = await first;

    const sends = h.graph.messages().slice(before);
    expect(sends.map((m) => JSON.stringify(m).includes("fenced digest"))).toEqual([true]);
    expect(second.results.map((r) => r.status)).toEqual(["sent"]);
    expect(firstReport.results.map((r) => r.status)).toEqual(["superseded"]);
    const [after] = await h.d.db.tenantTx(h.tenantId, (tx) =>
      tx.select().from(outbox).where(eq(outbox.id, row.id)),
    );
    expect(after).toMatchObject({ status: "sent", attempts: 2 });
  }, 30_000);
});
