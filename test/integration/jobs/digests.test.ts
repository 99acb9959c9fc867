import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { createSlackRuntime } from "../../../src/bots/slack/runtime.js";
import { loadConfig } from "../../../src/config.js";
import { cashflowReport } from "../../../src/core/features/cashflow/index.js";
import { listDeals } from "../../../src/core/features/deals/index.js";
import {
  anomaliesSince,
  composeDigest,
  DIGEST_FORECAST_MODELS,
  loadDailySeries,
  setSubscription,
} from "../../../src/core/features/digest/index.js";
import { pendingDrafts } from "../../../src/core/features/drafts/index.js";
import { forecast } from "../../../src/core/features/forecast/index.js";
import { goalPace } from "../../../src/core/features/goals/index.js";
import { defaultActor } from "../../../src/core/features/tenancy/index.js";
import { digestSubscriptions, goals, outbox } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createScheduler, digestsJob } from "../../../src/jobs/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakeSlackApi } from "../../support/fake-slack-api.js";

// Friday 2026-11-20, 07:55 in New York (the demo tenant's zone).
const clock = fixedClock("2026-11-20T12:55:00Z");
let d: TestDeps;
let tenantId: string;
let slack: FakeSlackApi;
const consoleOut = new ConsoleAdapter(null);

async function say(text: string, conversationId = "console-1") {
  const actor = await defaultActor(d.db, tenantId);
  const dispatcher = createDispatcher(d, registry);
  const args = parseText(text);
  return dispatcher.dispatch({
    ...args,
    origin: { tenantId, userId: actor.userId, channel: "console", conversationId },
    idempotencyKey: randomUUID(),
  } as never);
}
const fire = () => createScheduler(d, [digestsJob], { timers: false }).fire("digests");

beforeAll(async () => {
  d = await createTestDeps(
    { KEEL_DATA_DIR: `/tmp/keel-digest-test-${process.pid}`, KEEL_SECRET: "digest-test-secret-0123456789" },
    { clock },
  );
  const demo = await loadDemo(d);
  tenantId = demo.tenants[0]!.id;
  d.channels.set("console", consoleOut);
  slack = await new FakeSlackApi().start();
  const keel = { deps: d, dispatcher: createDispatcher(d, registry), close: async () => {} };
  const runtime = createSlackRuntime(
    keel,
    loadConfig({
      SLACK_SIGNING_SECRET: "digest-signing-secret",
      SLACK_BOT_TOKEN: "xoxb-digest",
      SLACK_API_URL: slack.url,
      SLACK_TENANT: "demo",
    }).slack,
    {
      paceMs: 1,
      retryConfig: { retries: 0 },
    },
  );
  d.channels.set("slack", runtime.adapter);
}, 120_000);
afterAll(async () => {
  await slack?.stop();
  await d?.cleanup();
});

describe("digests", () => {
  it("`digest daily 08:00` from chat subscribes this chat in the tenant's time zone", async () => {
    const reply = await say("digest daily 08:00");
    expect(reply.text).toMatch(/every day at 08:00 \(America\/New_York\)/);
    expect(reply.text).toMatch(/Next one: Fri 20 Nov, 08:00/);
  });

  it("is delivered at 08:00 local time once, to the console with the chart saved as a PNG file", async () => {
    expect((await fire()).status).toBe("succeeded");
    expect(consoleOut.delivered).toHaveLength(0); // 07:55 in New York
    clock.set("2026-11-20T13:00:30Z");
    const out = await fire();
    expect(out).toMatchObject({ status: "succeeded", result: { enqueued: 1, delivered: 1 } });
    expect(consoleOut.delivered).toHaveLength(1);
    const digest = consoleOut.delivered[0]!.reply;
    expect(digest.text).toMatch(/Your daily Keel digest — Northwind Supply Co\./);
    expect(digest.image?.path).toMatch(/charts\/digest-.*daily_2026-11-20\.png$/);
    expect(existsSync(digest.image!.path!)).toBe(true);
    expect(Buffer.from(digest.image!.pngBase64!, "base64").subarray(1, 4).toString()).toBe("PNG");
    clock.advance(60_000);
    expect(await fire()).toMatchObject({ status: "succeeded", result: { enqueued: 0 } });
    expect(consoleOut.delivered).toHaveLength(1);
  });

  it("says what the features say: cash, runway, forecast, pipeline, goals, anomalies, approvals, AI spend", async () => {
    await d.db.tenantTx(tenantId, (tx) =>
      tx.insert(goals).values({
        tenantId,
        metricKey: "revenue",
        title: "Revenue 30-day total to 400k",
        target: 400_000,
        baseline: 250_000,
        startOn: "2026-10-01",
        deadline: "2026-12-31",
        status: "active",
        query: {
          metric: "revenue",
          aggregation: "sum",
          windowPoints: 30,
          frequency: "day",
          label: "30-day total",
        },
      }),
    );
    const since = new Date("2026-11-01T00:00:00Z");
    const data = await composeDigest(d, tenantId, { since });
    const now = clock.now();
    const report = await cashflowReport(d, tenantId);
    expect(data.cash).toMatchObject({
      ok: true,
      openingMinor: report.cash.basis.openingMinor,
      balanceAtHorizonMinor: report.cash.balanceAtHorizonMinor,
      runway: report.cash.runway,
    });
    const stuck = await d.db.tenantTx(tenantId, (tx) => listDeals(tx, now, { stuck: true }));
    expect(data.pipeline.ok && data.pipeline.stuck.map((x) => x.id).sort()).toEqual(
      stuck.map((x) => x.id).sort(),
    );
    expect(data.pipeline.ok && data.pipeline.moved.length + data.pipeline.created.length).toBeGreaterThan(0);
    const series = await d.db.tenantTx(tenantId, (tx) => loadDailySeries(tx, "2026-11-20", 120));
    const revenue = series.find((s) => s.key === "revenue")!;
    const f = await forecast(revenue.values, { horizon: 14, season: 7, models: DIGEST_FORECAST_MODELS });
    expect(f.ok && data.revenue.ok && data.revenue.forecast.point).toEqual(f.ok ? f.value.forecast : null);
    expect(data.anomalies).toEqual({ ok: true, items: anomaliesSince(series, "2026-11-01") });
    expect(data.anomalies.ok && data.anomalies.items.length).toBeGreaterThan(0); // the planted revenue drop
    const pending = await d.db.tenantTx(tenantId, (tx) => pendingDrafts(tx));
    expect(data.approvals).toMatchObject({ ok: true, count: pending.length });
    const [goal] = await d.db.tenantTx(tenantId, (tx) => tx.select().from(goals));
    const pace = await goalPace(d, tenantId, goal!.id);
    expect(data.goals.ok && data.goals.items[0]!.raw).toEqual(pace);
    expect(data.llm).toMatchObject({ ok: true, sinceMicros: 0 });
  });

  it("respects quiet hours: a digest due inside them waits until they end", async () => {
    await setSubscription(
      d,
      tenantId,
      { channel: "console", address: "quiet-chat" },
      {
        cadence: "daily",
        time: "07:30",
        timezone: "America/New_York",
        quiet: { start: "07:00", end: "09:00" },
      },
    );
    clock.set("2026-11-21T13:00:00Z"); // 08:00 NY: due for 07:30 but quiet; the other chat gets its 08:00 digest
    await fire();
    expect(consoleOut.delivered.filter((x) => x.target.address === "quiet-chat")).toHaveLength(0);
    clock.set("2026-11-21T14:00:30Z"); // 09:00 NY
    await fire();
    expect(consoleOut.delivered.filter((x) => x.target.address === "quiet-chat")).toHaveLength(1);
  });

  it("`digest weekly mon 09:00 Europe/Berlin` and `digest off` change this chat's subscription", async () => {
    expect((await say("digest weekly mon 09:00 Europe/Berlin", "console-2")).text).toMatch(
      /every mon at 09:00 \(Europe\/Berlin\)/,
    );
    const [sub] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(digestSubscriptions).where(eq(digestSubscriptions.address, "console-2")),
    );
    expect(sub).toMatchObject({ cadence: "weekly", weekday: 1, atTime: "09:00", timezone: "Europe/Berlin" });
    expect((await say("digest off", "console-2")).text).toMatch(/Digests are off/);
    clock.set("2026-11-23T08:30:00Z"); // Monday 09:30 Berlin
    const before = consoleOut.delivered.filter((x) => x.target.address === "console-2").length;
    await fire();
    expect(consoleOut.delivered.filter((x) => x.target.address === "console-2").length).toBe(before);
  });

  it("`digest now` answers with the digest and its chart right away", async () => {
    const reply = await say("digest now");
    expect(reply.text).toMatch(/Keel digest/);
    expect(reply.image?.pngBase64).toBeTruthy();
    expect(reply.sections?.map((s) => s.title)).toEqual(
      expect.arrayContaining(["Cash and forecast", "Revenue vs forecast", "Pipeline since the last digest"]),
    );
  });

  it("posts to Slack with the outbox id in the message metadata and uploads the chart", async () => {
    await setSubscription(
      d,
      tenantId,
      { channel: "slack", address: "C0DIGEST" },
      { cadence: "daily", time: "08:00", timezone: "UTC" },
    );
    clock.set("2026-11-24T08:00:10Z");
    await fire();
    const [row] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(outbox).where(like(outbox.dedupeKey, "digest:%:slack:%")),
    );
    expect(row).toMatchObject({ status: "sent" });
    const posts = slack.messages.filter((m) => m.channel === "C0DIGEST");
    expect(posts.filter((m) => m.metadata?.event_payload?.outbox_id === row!.id)).toHaveLength(1);
    expect(slack.callsTo("files.completeUploadExternal").length).toBeGreaterThanOrEqual(1);
  });
});
