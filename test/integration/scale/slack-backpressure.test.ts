import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSY_TEXT, LATE_TEXT, THINKING_TEXT } from "../../../src/bots/slack/turns.js";
import { deferTurn, TURN_MAX_ATTEMPTS } from "../../../src/core/features/inbox/index.js";
import { inboundTurns } from "../../../src/core/infra/db/schema/index.js";
import { createHttpApp } from "../../../src/http/app.js";
import { inboxRecoveryJob } from "../../../src/jobs/index.js";
import type { JobContext } from "../../../src/jobs/types.js";
import { createHarness, type Harness } from "../slack/harness.js";

/**
 * Load shedding on the Slack runtime (real dispatcher, demo company, local Slack Web API, real
 * Postgres/Redis when configured). The turn queue is made tiny — one turn at a time, one waiting,
 * two per person — and held busy by a task the test releases, so what is shed is decided by the
 * queue, not by timing. Every shed turn hears "busy" (at most once a minute per person), stays
 * pending in the inbox and is answered exactly once by the recovery sweep.
 */
let h: Harness;
let release: () => void = () => {};
beforeAll(async () => {
  h = await createHarness({
    env: {
      KEEL_TURNS_CONCURRENCY: "1",
      KEEL_TURNS_QUEUE: "1",
      KEEL_TURNS_PER_USER: "2",
      KEEL_SHED_RETRY_SECONDS: "1",
      KEEL_READY_MAX_BACKLOG: "3",
    },
  });
});
afterAll(async () => {
  release();
  await h?.close();
});

let tsSeq = 1_700_200_000;
const nextTs = () => `${++tsSeq}.000100`;
const USERS = ["U0OWNER", "U0MANAGER", "U0REP1", "U0REP2", "U0FINANCE", "U0VIEWER"];
const dm = (user: string, text: string, ts: string) => ({
  type: "message",
  channel_type: "im",
  user,
  text,
  ts,
  channel: `D${user}`,
  event_ts: ts,
});
const thread = (ts: string) => h.api.messages.filter((m) => m.thread_ts === ts);
const jobCtx = (): JobContext => ({
  now: new Date(),
  slot: new Date(Math.floor(Date.now() / 5000) * 5000 + 1000),
  signal: new AbortController().signal,
  runner: "test-sweeper",
  claims: { add() {}, delete() {} },
  hooks: {},
  log: h.deps.logger,
});
const turns = (keys: string[]) =>
  h.deps.db.orm
    .select()
    .from(inboundTurns)
    .where(and(eq(inboundTurns.channel, "slack"), inArray(inboundTurns.key, keys)));

/** Occupies the one running place until `release()` (a slow answer already in progress). */
function holdQueue(): void {
  const gate = new Promise<void>((r) => {
    release = r;
  });
  void h.runtime.context.tasks.limit(() => gate);
}

/** Lets the shed turns' retry time pass, then sweeps until nothing is pending (bounded). */
async function sweepUntilAnswered(keys: string[]): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const rows = await turns(keys);
    if (rows.every((r) => r.status !== "pending")) return;
    await new Promise((r) => setTimeout(r, 1_100));
    await inboxRecoveryJob.run(h.deps, jobCtx());
    await h.runtime.idle();
  }
}

async function metric(name: string, queue: string): Promise<number> {
  const text = await (await h.http.request("/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{queue="${queue}"}`));
  return line ? Number(line.split(" ").at(-1)) : Number.NaN;
}

describe("a flood of DMs beyond the queue", () => {
  it("six people write at once while the queue is full: one waits, five hear 'busy' at once; all six are answered once", async () => {
    holdQueue();
    const sent = USERS.map((u) => ({ u, ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` }));
    const acks = await Promise.all(sent.map((s) => h.event(dm(s.u, "deals", s.ts), { eventId: s.id })));
    expect(acks.map((a) => a.res.status)).toEqual(sent.map(() => 200));
    // Busy notices are posted in the background right after the acks.
    for (let i = 0; i < 50 && h.api.messages.filter((m) => m.text === BUSY_TEXT).length < 5; i++)
      await new Promise((r) => setTimeout(r, 50));
    const busy = sent.filter((s) => thread(s.ts).some((m) => m.text === BUSY_TEXT));
    expect(busy).toHaveLength(5);
    expect(await metric("keel_queue_depth", "slack_turns")).toBe(1);
    expect(await metric("keel_queue_in_flight", "slack_turns")).toBe(1);
    expect(await metric("keel_queue_shed_total", "slack_turns")).toBeGreaterThanOrEqual(5);
    const shedRows = await turns(busy.map((s) => `event:${s.id}`));
    expect(shedRows.map((r) => [r.status, r.owner, r.attempts, r.lastError])).toEqual(
      shedRows.map(() => ["pending", null, 0, "shed: queue full"]),
    );
    release();
    await h.runtime.idle();
    await sweepUntilAnswered(sent.map((s) => `event:${s.id}`));
    for (const s of sent) {
      const answers = thread(s.ts);
      expect(answers, s.u).toHaveLength(1);
      expect(answers[0]!.text).not.toBe(BUSY_TEXT);
      expect(answers[0]!.text).not.toBe(THINKING_TEXT);
      expect(answers[0]!.text?.length ?? 0).toBeGreaterThan(20);
    }
    expect(thread(sent[0]!.ts)[0]!.text).toContain("Acme"); // the owner's pipeline
    // The busy placeholder became the late answer, in place.
    for (const s of busy) expect(thread(s.ts)[0]!.text).toContain(LATE_TEXT);
    const rows = await turns(sent.map((s) => `event:${s.id}`));
    expect(rows.map((r) => r.status)).toEqual(sent.map(() => "answered"));
    expect(await metric("keel_queue_depth", "slack_turns")).toBe(0);
  });

  it("one person sends five messages in a burst: two go through, three are shed, 'busy' is said once", async () => {
    const user = "U0REP1";
    // Another minute's notice key: this person was told "busy" in the test above.
    await h.deps.store.del(`slack:busy:D${user}:${user}`);
    holdQueue();
    const other = { ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` };
    await h.event(dm("U0MANAGER", "deals", other.ts), { eventId: other.id }); // takes the waiting place
    release();
    await h.runtime.idle();
    const burst = Array.from({ length: 5 }, () => ({ ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` }));
    // Queue big enough for everyone now, but this person's share is two.
    h.runtime.context.tasks.queue.limits.maxQueued = 10;
    holdQueue();
    for (const b of burst) await h.event(dm(user, `deals ${b.ts}`, b.ts), { eventId: b.id });
    await new Promise((r) => setTimeout(r, 300));
    const told = burst.filter((b) => thread(b.ts).some((m) => m.text === BUSY_TEXT));
    expect(told).toHaveLength(1);
    const rows = await turns(burst.map((b) => `event:${b.id}`));
    expect(rows.filter((r) => r.lastError === "shed: queue full")).toHaveLength(3);
    release();
    await h.runtime.idle();
    await sweepUntilAnswered(burst.map((b) => `event:${b.id}`));
    for (const b of burst) expect(thread(b.ts)).toHaveLength(1);
    h.runtime.context.tasks.queue.limits.maxQueued = 1;
  });

  it("another person is still served while one person's share is full (fairness)", async () => {
    h.runtime.context.tasks.queue.limits.maxQueued = 10;
    holdQueue();
    const mine = Array.from({ length: 3 }, () => ({ ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` }));
    for (const b of mine) await h.event(dm("U0FINANCE", "deals", b.ts), { eventId: b.id });
    const theirs = { ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` };
    await h.event(dm("U0VIEWER", "deals", theirs.ts), { eventId: theirs.id });
    const [row] = await turns([`event:${theirs.id}`]);
    expect(row!.lastError).toBeNull(); // admitted, not shed
    release();
    await h.runtime.idle();
    await sweepUntilAnswered([...mine, theirs].map((b) => `event:${b.id}`));
    expect(thread(theirs.ts)).toHaveLength(1);
    expect(thread(theirs.ts)[0]!.text).not.toContain(LATE_TEXT);
    for (const b of mine) expect(thread(b.ts)).toHaveLength(1);
    h.runtime.context.tasks.queue.limits.maxQueued = 1;
  });
});

describe("slash commands beyond the queue", () => {
  it("the ack itself says 'busy, queued' (ephemeral); the sweep answers through the response_url once", async () => {
    holdQueue();
    await h.command("/deal", "Acme", "U0OWNER"); // takes the waiting place
    const r = await h.command("/cashflow", "90", "U0MANAGER");
    expect(r.res.status).toBe(200);
    expect(await r.res.json()).toEqual({ response_type: "ephemeral", text: BUSY_TEXT });
    release();
    await h.runtime.idle();
    const row = (
      await h.deps.db.orm.select().from(inboundTurns).where(eq(inboundTurns.kind, "command"))
    ).find((t) => t.lastError === "shed: queue full");
    expect(row).toBeDefined();
    await sweepUntilAnswered([row!.key]);
    const answers = h.api.responses.filter((x) => x.id === r.responseId);
    expect(answers).toHaveLength(1);
    expect(String(answers[0]!.body.text)).toContain(LATE_TEXT);
  });
});

describe("the recovery sweep respects the queue", () => {
  it("with no room it takes nothing (turns stay pending, attempts untouched); with room it answers them", async () => {
    holdQueue();
    const waiting = { ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` };
    await h.event(dm("U0OWNER", "deals", waiting.ts), { eventId: waiting.id }); // the waiting place
    const shed = { ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` };
    await h.event(dm("U0REP2", "deals", shed.ts), { eventId: shed.id });
    await new Promise((r) => setTimeout(r, 1_100));
    const result = await inboxRecoveryJob.run(h.deps, jobCtx());
    expect(result).toMatchObject({ resumed: 0, channelsFull: 1 });
    const [row] = await turns([`event:${shed.id}`]);
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    release();
    await h.runtime.idle();
    await sweepUntilAnswered([`event:${shed.id}`]);
    expect(thread(shed.ts)).toHaveLength(1);
  });

  it("a turn shed more often than TURN_MAX_ATTEMPTS is never given up: it is answered", async () => {
    const t = { ts: nextTs(), id: `Ev${randomUUID().slice(0, 8)}` };
    holdQueue();
    await h.event(dm("U0OWNER", "deals", nextTs()), { eventId: `Ev${randomUUID().slice(0, 8)}` });
    await h.event(dm("U0MANAGER", "deals", t.ts), { eventId: t.id });
    const [row] = await turns([`event:${t.id}`]);
    for (let i = 0; i < TURN_MAX_ATTEMPTS + 2; i++) await deferTurn(h.deps, row!.id, 0);
    release();
    await h.runtime.idle();
    await sweepUntilAnswered([`event:${t.id}`]);
    const [after] = await turns([`event:${t.id}`]);
    expect(after).toMatchObject({ status: "answered" });
    expect(thread(t.ts)).toHaveLength(1);
    expect(thread(t.ts)[0]!.text).toContain("Acme");
  });
});

describe("/readyz under load", () => {
  it("flips to degraded (inbound_backlog) while turns wait, and back to ready once they are answered", async () => {
    const before = await h.http.request("/readyz");
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ status: expect.stringMatching(/ready|degraded/) });
    holdQueue();
    const flood = Array.from({ length: 5 }, (_, i) => ({
      u: USERS[i]!,
      ts: nextTs(),
      id: `Ev${randomUUID().slice(0, 8)}`,
    }));
    for (const f of flood) await h.event(dm(f.u, "deals", f.ts), { eventId: f.id });
    const busy = await h.http.request("/readyz");
    expect(busy.status).toBe(200); // degraded stays in rotation by default
    const body = (await busy.json()) as { status: string; reasons: string[]; load: { inboxPending: number } };
    expect(body.status).toBe("degraded");
    expect(body.reasons).toContain("inbound_backlog");
    expect(body.load.inboxPending).toBeGreaterThan(3);
    // With KEEL_READY_DEGRADED_STATUS=503 the same state takes the replica out of rotation.
    const strict = createHttpApp({
      ...h.deps,
      config: { ...h.deps.config, load: { ...h.deps.config.load, readyDegradedStatus: 503 } },
    });
    const out = await strict.request("/readyz");
    expect(out.status).toBe(503);
    expect(await out.json()).toMatchObject({ status: "degraded", reasons: ["inbound_backlog"] });
    release();
    await h.runtime.idle();
    await sweepUntilAnswered(flood.map((f) => `event:${f.id}`));
    const after = await h.http.request("/readyz");
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: "ready", load: { inboxPending: 0, queuedHere: 0 } });
  });
});
