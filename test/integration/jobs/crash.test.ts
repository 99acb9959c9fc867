import { spawn } from "node:child_process";
import { like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  digestSubscriptions,
  memberships,
  outbox,
  tenants,
  users,
} from "../../../src/core/infra/db/schema/index.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { createTestDeps, realPostgres, type TestDeps } from "../../support/deps.js";
import { FakeSlackApi } from "../../support/fake-slack-api.js";
import { HttpSink } from "../../support/http-sink.js";
import { workerArgs } from "../../support/workers.js";

/**
 * Kill -9 a real worker process in the middle of a 100-tenant digest run, restart it, and count
 * what arrived at the channel: every digest once, none twice. Needs real Postgres and Redis shared
 * by separate processes — PGlite is in-process only, so this runs where DATABASE_URL is set (CI).
 */
const TENANTS = 100;
const clock = fixedClock("2026-11-20T07:00:00Z");
let d: TestDeps;
let slack: FakeSlackApi;
let sink: HttpSink;
const ids: string[] = [];

function runWorker(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, workerArgs("digest-worker", inject("workersDir")), {
      env: { ...process.env, ...d.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, out }));
  });
}

const slackEnv = () => ({
  SLACK_BOT_TOKEN: "xoxb-crash-test",
  SLACK_SIGNING_SECRET: "crash-test-signing-secret",
  SLACK_API_URL: slack.url,
  SLACK_TENANT: "crash-000",
});

/** Digest outbox rows of one day, over all tenants (each read inside its tenant's transaction). */
async function rowsOf(period: string) {
  const rows = [];
  for (const t of ids)
    rows.push(
      ...(await d.db.tenantTx(t, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(like(outbox.dedupeKey, `digest:%:${period}`)),
      )),
    );
  return rows;
}

beforeAll(async () => {
  if (!realPostgres) return;
  d = await createTestDeps({ KEEL_SECRET: "crash-test-secret-0123456789" }, { clock });
  slack = await new FakeSlackApi().start();
  sink = await new HttpSink().start();
  for (let i = 0; i < TENANTS; i++) {
    const slug = `crash-${String(i).padStart(3, "0")}`;
    const [t] = await d.db.orm.insert(tenants).values({ slug, name: slug, timezone: "UTC" }).returning();
    ids.push(t!.id);
    await d.db.tenantTx(t!.id, async (tx) => {
      const [u] = await tx
        .insert(users)
        .values({ tenantId: t!.id, email: `owner@${slug}.example`, name: "Owner" })
        .returning();
      await tx.insert(memberships).values({ tenantId: t!.id, userId: u!.id, role: "owner" });
      await tx.insert(digestSubscriptions).values({
        tenantId: t!.id,
        channel: "slack",
        address: `C${slug}`,
        cadence: "daily",
        atTime: "08:00",
        timezone: "UTC",
        createdAt: clock.now(),
      });
    });
  }
}, 120_000);
afterAll(async () => {
  await slack?.stop();
  await sink?.stop();
  await d?.cleanup();
});

describe.runIf(realPostgres)("a digest worker killed with SIGKILL mid-run", () => {
  const scenarios = [
    { point: "before-claim", after: 30, day: 20, channel: "slack" },
    { point: "after-claim", after: 40, day: 21, channel: "slack" },
    { point: "after-send", after: 50, day: 22, channel: "slack" },
    { point: "after-commit", after: 60, day: 23, channel: "slack" },
    { point: "after-send", after: 25, day: 24, channel: "sink" },
  ] as const;

  for (const s of scenarios)
    it(`${s.point} (${s.channel}): after a restart every digest arrived exactly once`, async () => {
      const day = `2026-11-${s.day}`;
      const channelEnv = s.channel === "slack" ? slackEnv() : { SINK_URL: sink.url };
      const crashed = await runWorker({
        ...channelEnv,
        KEEL_NOW: `${day}T08:01:00Z`,
        CRASH_AT: s.point,
        CRASH_AFTER: String(s.after),
      });
      expect(crashed.signal, crashed.out).toBe("SIGKILL");
      const before = await rowsOf(`daily:${day}`);
      expect(before.filter((r) => r.status === "sent").length).toBeLessThan(TENANTS);
      // Restarted 10 minutes later: abandoned claims (2 min lease) and outbox locks (1 min) have expired.
      const restarted = await runWorker({ ...channelEnv, KEEL_NOW: `${day}T08:11:00Z` });
      expect(restarted.code, restarted.out).toBe(0);
      const rows = await rowsOf(`daily:${day}`);
      expect(rows).toHaveLength(TENANTS);
      expect(rows.every((r) => r.status === "sent")).toBe(true);
      const outboxIds = new Set(rows.map((r) => r.id));
      const arrived = new Map<string, number>();
      if (s.channel === "slack") {
        for (const m of slack.messages) {
          const id = String(m.metadata?.event_payload?.outbox_id ?? "");
          if (outboxIds.has(id)) arrived.set(id, (arrived.get(id) ?? 0) + 1);
        }
      } else for (const [k, n] of sink.counts()) if (outboxIds.has(k)) arrived.set(k, n);
      expect(arrived.size).toBe(TENANTS);
      expect([...arrived.values()].every((n) => n === 1)).toBe(true);
      // One digest per tenant and day: the subscription remembers the period.
      const periods = await Promise.all(
        ids.map((t) =>
          d.db.tenantTx(t, async (tx) => (await tx.select().from(digestSubscriptions))[0]!.lastPeriod),
        ),
      );
      expect(new Set(periods)).toEqual(new Set([`daily:${day}`]));
    }, 240_000);
});
