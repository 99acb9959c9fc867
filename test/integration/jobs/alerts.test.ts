import { and, eq, isNotNull, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSubscription } from "../../../src/core/features/digest/index.js";
import { drafts, goalCheckins, goals, outbox } from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { DEMO_SEED, loadDemo } from "../../../src/demo/load.js";
import { generateDemoMetrics } from "../../../src/demo/metrics.js";
import {
  anomalyScanJob,
  createScheduler,
  goalCheckinsJob,
  overdueInvoicesJob,
  stuckDealsJob,
} from "../../../src/jobs/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const LOADED = "2026-11-20T10:00:00Z"; // a Friday
const clock = fixedClock(LOADED);
let d: TestDeps;
let tenantId: string;

const rowsLike = (pattern: string) =>
  d.db.tenantTx(tenantId, (tx) => tx.select().from(outbox).where(like(outbox.dedupeKey, pattern)));
const fire = (job: Parameters<typeof createScheduler>[1][number]) =>
  createScheduler(d, [job], { timers: false }).fire(job.name);

beforeAll(async () => {
  d = await createTestDeps({ KEEL_SECRET: "alerts-test-secret-0123456789" }, { clock });
  tenantId = (await loadDemo(d)).tenants[0]!.id;
  // The team reads alerts in the chat that subscribed to digests; quiet from 20:00 to 07:00 New York time.
  await setSubscription(
    d,
    tenantId,
    { channel: "slack", address: "C0TEAM" },
    { cadence: "daily", time: "08:00", quiet: { start: "20:00", end: "07:00" } },
  );
}, 120_000);
afterAll(async () => d?.cleanup());

describe("alerts and sweeps", () => {
  it("the daily anomaly scan alerts on the planted revenue drop with its root cause, once", async () => {
    const planted = generateDemoMetrics({ seed: DEMO_SEED, end: new Date(LOADED), days: 610 }).planted
      .anomaly;
    clock.set(
      `${new Date(Date.parse(`${planted.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T06:00:00Z`,
    );
    expect((await fire(anomalyScanJob)).status).toBe("succeeded");
    const [row] = await rowsLike(`anomaly:${planted.metric}:${planted.date}`);
    expect(row).toBeDefined();
    const payload = row!.payload as { text: string; sections: { title: string; text: string }[] };
    expect(payload.text).toMatch(/dropped/);
    expect(payload.sections[0]!.text).toMatch(/fell/);
    expect(row!.target).toEqual({ channel: "slack", address: "C0TEAM" });
    // 06:00 UTC is 01:00 in New York, inside quiet hours: held until 07:00 local (12:00 UTC).
    expect(row!.nextAttemptAt.toISOString()).toBe(`${clock.now().toISOString().slice(0, 10)}T12:00:00.000Z`);
    clock.advance(86_400_000);
    await fire(anomalyScanJob);
    expect(await rowsLike(`anomaly:${planted.metric}:${planted.date}`)).toHaveLength(1);
    clock.set(LOADED);
  });

  it("stuck deals become drafted follow-ups to the customer, posted to the approvers — nothing is sent yet", async () => {
    // With an email channel configured, the follow-up is addressed to the deal's contact.
    d.channels.set("email", {
      channel: "email",
      capabilities: {
        nativeButtons: false,
        maxButtons: 0,
        threads: false,
        maxTextLength: 100_000,
        markdown: "plain",
        images: false,
      },
      send: async () => ({ messageIds: ["never"] }),
    });
    expect((await fire(stuckDealsJob)).status).toBe("succeeded");
    d.channels.delete("email");
    const posted = await rowsLike("sweep:stuck:%");
    expect(posted.length).toBeGreaterThan(0);
    expect(posted.length).toBeLessThanOrEqual(3);
    for (const p of posted) {
      const payload = p.payload as { text: string; actions: { id: string }[]; meta: { draftId: string } };
      expect(payload.text).toMatch(/has been in .* for \d+ days/);
      expect(payload.actions.map((a) => a.id)).toEqual(["approve", "edit", "reject"]);
      const [draft] = await d.db.tenantTx(tenantId, (tx) =>
        tx.select().from(drafts).where(eq(drafts.id, payload.meta.draftId)),
      );
      expect(draft!.status).toBe("drafted");
    }
    // No outbox row carries a draft: only an approval enqueues the draft itself.
    expect(
      await d.db.tenantTx(tenantId, (tx) => tx.select().from(outbox).where(isNotNull(outbox.draftId))),
    ).toHaveLength(0);
    // The next weekday's sweep does not draft the same deals again.
    clock.set("2026-11-23T10:00:00Z");
    await fire(stuckDealsJob);
    const again = await rowsLike("sweep:stuck:%");
    const subjects = await d.db.tenantTx(tenantId, (tx) =>
      tx.select({ s: drafts.subjectId }).from(drafts).where(eq(drafts.kind, "followup")),
    );
    expect(new Set(subjects.map((x) => x.s)).size).toBe(subjects.length);
    expect(again.length).toBeGreaterThanOrEqual(posted.length);
    clock.set(LOADED);
  });

  it("overdue invoices become drafted reminders for approval", async () => {
    await fire(overdueInvoicesJob);
    const posted = await rowsLike("sweep:overdue:%");
    expect(posted.length).toBeGreaterThan(0);
    const draftIds = posted.map((p) => (p.payload as { meta: { draftId: string } }).meta.draftId);
    const rows = await d.db.tenantTx(tenantId, (tx) =>
      tx
        .select()
        .from(drafts)
        .where(and(eq(drafts.kind, "reminder"))),
    );
    expect(
      rows
        .filter((r) => draftIds.includes(r.id))
        .every((r) => r.status === "drafted" && r.subjectType === "invoice"),
    ).toBe(true);
  });

  it("goal check-ins store the pace and alert on a slipping goal with a corrective action", async () => {
    await d.db.tenantTx(tenantId, (tx) =>
      tx.insert(goals).values({
        tenantId,
        metricKey: "revenue",
        title: "Double revenue",
        target: 900_000,
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
    clock.set("2026-11-23T08:00:00Z"); // Monday
    expect((await fire(goalCheckinsJob)).status).toBe("succeeded");
    const [alert] = await rowsLike("goal-slip:%");
    const text = (alert!.payload as { sections: { text: string }[] }).sections[0]!.text;
    expect(text).toMatch(/Double revenue: behind plan/);
    expect(text).toMatch(
      /→ To still reach 900,000 by 2026-12-31, revenue must move [\d,.]+ per day for the \d+ days left/,
    );
    const checkins = await d.db.tenantTx(tenantId, (tx) => tx.select().from(goalCheckins));
    expect(checkins.map((c) => c.note)).toContain("weekly check-in: behind");
  });
});
