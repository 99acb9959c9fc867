import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureWhatsappLink } from "../../../src/bots/whatsapp/link.js";
import { createWebjsWhatsapp, type WebjsWhatsapp } from "../../../src/bots/whatsapp/webjs/setup.js";
import { loadConfig } from "../../../src/config.js";
import { leaseHolder, NotLeaseHolder, takeoverBoundMs } from "../../../src/core/features/leases/index.js";
import { deliverDue, enqueue } from "../../../src/core/features/outbox/index.js";
import { outbox, singletonLeases } from "../../../src/core/infra/db/schema/index.js";
import type { ChannelRegistry } from "../../../src/core/ports/chat-adapter.js";
import { DeliveryDeferred } from "../../../src/core/ports/chat-adapter.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { createTestDeps, realPostgres, type TestDeps } from "../../support/deps.js";
import { workerArgs } from "../../support/workers.js";
import { FakeWebjsClient } from "../../unit/whatsapp/fake-webjs-client.js";

/**
 * whatsapp-web.js holds one browser session, so with several replicas exactly one runs it: the
 * holder of a lease in Postgres. Replicas here are the real webjs wiring (supervisor, transport,
 * adapter, LeaseKeeper) around a stand-in client — in this process, or as child processes that are
 * killed with SIGKILL. Nothing about Postgres is faked.
 */
const API_TOKEN = "lease-test-api-token-0123456789";
const LEASE = "whatsapp-webjs:keel";
const TTL_MS = 1_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  f: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

let d: TestDeps;
let tenantId: string;

beforeAll(async () => {
  d = await createTestDeps({ KEEL_API_TOKEN: API_TOKEN });
  await loadDemo(d);
  tenantId = await ensureWhatsappLink(d, "demo", "webjs:keel");
});
afterAll(async () => {
  await d.cleanup();
});

interface Replica {
  name: string;
  wa: WebjsWhatsapp;
  clients: FakeWebjsClient[];
  channels: ChannelRegistry;
}

/** One in-process replica; `now` freezes its monotonic clock (a process paused mid-term). */
function replica(name: string, now?: () => number): Replica {
  const clients: FakeWebjsClient[] = [];
  const c = loadConfig({ WHATSAPP_TRANSPORT: "webjs", WHATSAPP_PACING_MS: "0" }).whatsapp;
  const dispatcher = { dispatch: async () => ({ text: "" }), handles: () => false };
  const wa = createWebjsWhatsapp(d, dispatcher, c, tenantId, {
    createClient: () => {
      const client = new FakeWebjsClient();
      client.initialize = async () => {
        client.initialized++;
        setImmediate(() => client.emit("ready"));
      };
      clients.push(client);
      return client;
    },
    makeMedia: () => ({}),
    print: null,
    lease: { ttlMs: TTL_MS, holder: name, now },
  });
  const channels: ChannelRegistry = new Map([["whatsapp", wa.adapter]]);
  return { name, wa, clients, channels };
}

const sentBy = (r: Replica) => r.clients.flatMap((c) => c.sent.map((s) => String(s.content)));
async function enqueueTexts(prefix: string, n: number, to = "+15550000001") {
  await d.db.tenantTx(tenantId, async (tx) => {
    for (let i = 0; i < n; i++)
      await enqueue(
        tx,
        {
          tenantId,
          dedupeKey: `${prefix}:${i}`,
          target: { channel: "whatsapp", address: to },
          payload: { text: `${prefix} ${i}` },
        },
        d.clock.now(),
      );
  });
}
const rowsOf = (prefix: string) =>
  d.db.tenantTx(tenantId, async (tx) =>
    (await tx.select().from(outbox)).filter((r) => r.dedupeKey.startsWith(`${prefix}:`)),
  );
async function clearLease() {
  await d.db.orm.delete(singletonLeases).where(eq(singletonLeases.name, LEASE));
}

describe("whatsapp-web.js on exactly one replica", () => {
  it("runs the browser on one of three replicas; the others answer standby and leave its outbox rows to it", async () => {
    await clearLease();
    const rs = [replica("replica-a"), replica("replica-b"), replica("replica-c")];
    try {
      for (const r of rs) await r.wa.start();
      await until("the holder's client ready", () => rs.some((r) => r.wa.supervisor.state === "ready"));
      const holders = rs.filter((r) => r.wa.lease!.held);
      expect(holders.map((r) => r.name)).toEqual(["replica-a"]);
      expect(rs.map((r) => r.clients.length)).toEqual([1, 0, 0]);
      expect((await leaseHolder(d, LEASE))?.holder).toBe("replica-a");

      const app = createHttpApp(d, [(a) => a.route("/", rs[1]!.wa.routes)]);
      const res = await app.request("/whatsapp/qr", { headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect(((await res.json()) as { state: string }).state).toBe("standby");

      await enqueueTexts("fwd", 4);
      for (const f of rs.slice(1)) {
        const report = await deliverDue(d, f.channels, tenantId);
        expect(report.results).toEqual([]);
      }
      expect((await rowsOf("fwd")).map((r) => [r.status, r.attempts])).toEqual(
        Array.from({ length: 4 }, () => ["pending", 0]),
      );
      const report = await deliverDue(d, rs[0]!.channels, tenantId);
      expect(report.sent).toBe(4);
      expect(sentBy(rs[0]!).sort()).toEqual(["fwd 0", "fwd 1", "fwd 2", "fwd 3"]);
      expect((await rowsOf("fwd")).every((r) => r.status === "sent")).toBe(true);
    } finally {
      for (const r of rs) await r.wa.stop();
    }
  });

  it("refuses a stale leader's send with its old fencing token and leaves the message to the new holder", async () => {
    await clearLease();
    // The old leader's clock stands still: a process paused (GC, SIGSTOP) believes its term goes on.
    const old = replica("paused-leader", () => 0);
    const next = replica("next-leader");
    try {
      await old.wa.start();
      const oldToken = old.wa.lease!.token!;
      expect(oldToken).toBeGreaterThan(0);
      await until("old client ready", () => old.wa.supervisor.state === "ready");
      old.wa.lease!.abandon(); // paused: renews nothing from here on
      await next.wa.start();
      expect(next.wa.lease!.held).toBe(false);
      await until("the old term to expire", async () => (await leaseHolder(d, LEASE)) === null, 30_000);
      await next.wa.lease!.tick();
      expect(next.wa.lease!.token).toBe(oldToken + 1);
      expect(old.wa.lease!.held).toBe(true); // by its own frozen clock it still is

      const fenced = await old.wa.lease!.fence().catch((e: unknown) => e);
      expect(fenced).toBeInstanceOf(NotLeaseHolder);
      expect((fenced as NotLeaseHolder).staleToken).toBe(oldToken);

      await enqueueTexts("stale", 1, "+15550000002");
      // The stale replica claimed the row before noticing (deliversHere was still true): refused, deferred.
      const sendErr = await old.wa.adapter
        .send({ channel: "whatsapp", address: "+15550000002" }, { text: "from the stale leader" })
        .catch((e: unknown) => e);
      expect(sendErr).toBeInstanceOf(DeliveryDeferred);
      expect(sentBy(old)).not.toContain("from the stale leader");
      await until("the stale replica to step down", () => old.wa.supervisor.state === "stopped");
      expect(old.wa.lease!.held).toBe(false);
      expect(old.wa.adapter.deliversHere()).toBe(false);

      await until("the new holder's client", () => next.wa.supervisor.state === "ready");
      expect((await deliverDue(d, old.channels, tenantId)).results).toEqual([]);
      expect((await deliverDue(d, next.channels, tenantId)).sent).toBe(1);
      expect(sentBy(next)).toEqual(["stale 0"]);
    } finally {
      await old.wa.stop();
      await next.wa.stop();
    }
  });

  it("hands over at once on a graceful stop (the lease is released, not left to expire)", async () => {
    await clearLease();
    const a = replica("stopping");
    const b = replica("standing-by");
    try {
      await a.wa.start();
      await b.wa.start();
      const token = a.wa.lease!.token!;
      expect(b.wa.lease!.held).toBe(false);
      await a.wa.stop();
      expect(a.clients[0]!.destroyed).toBe(1);
      await b.wa.lease!.tick();
      expect(b.wa.lease!.token).toBe(token + 1);
      await until("b ready", () => b.wa.supervisor.state === "ready");
    } finally {
      await a.wa.stop();
      await b.wa.stop();
    }
  });

  it("renews without changing the token while the holder lives", async () => {
    await clearLease();
    const a = replica("steady");
    try {
      await a.wa.start();
      const token = a.wa.lease!.token;
      const before = (await leaseHolder(d, LEASE))!.expiresAt;
      await sleep(20);
      await a.wa.lease!.tick();
      expect(a.wa.lease!.token).toBe(token);
      expect((await leaseHolder(d, LEASE))!.expiresAt.getTime()).toBeGreaterThan(before.getTime());
      expect(a.clients).toHaveLength(1); // renewing does not restart the browser
    } finally {
      await a.wa.stop();
    }
  });

  it("hands over within 30 s by default (lease 15 s, renewed every 5 s)", () => {
    const c = loadConfig({}).whatsapp;
    expect(c.WHATSAPP_WEBJS_LEASE_MS).toBe(15_000);
    expect(takeoverBoundMs(c.WHATSAPP_WEBJS_LEASE_MS)).toBe(20_000);
    expect(() => loadConfig({ WHATSAPP_WEBJS_LEASE_MS: "500" })).toThrow(/WHATSAPP_WEBJS_LEASE_MS/);
  });
});

interface Worker {
  child: ChildProcess;
  holder: string;
  events: { event: string; token?: number; text?: string; at: number }[];
}

function startWorker(holder: string): Worker {
  const child = spawn(process.execPath, workerArgs("lease-worker", inject("workersDir")), {
    env: { ...process.env, ...d.env, LEASE_TTL_MS: String(TTL_MS), LEASE_HOLDER: holder },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const w: Worker = { child, holder, events: [] };
  createInterface({ input: child.stdout! }).on("line", (l) => {
    try {
      w.events.push({ ...JSON.parse(l), at: Date.now() });
    } catch {
      /* not ours */
    }
  });
  child.stderr!.resume();
  return w;
}

describe.runIf(realPostgres)("three replicas' lease loops, the holder killed with SIGKILL", () => {
  const workers: Worker[] = [];
  afterAll(() => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  });

  it("a follower takes over after the dead holder's term ran out, with the next token, and sends what waited once", async () => {
    await clearLease();
    for (const h of ["proc-a", "proc-b", "proc-c"]) workers.push(startWorker(h));
    await until(
      "three workers ready",
      () => workers.every((w) => w.events.some((e) => e.event === "ready")),
      120_000,
    );
    const first = await until("a holder", () => leaseHolder(d, LEASE));
    const dead = workers.find((w) => w.holder === first.holder)!;
    const [before] = await d.db.orm.select().from(singletonLeases).where(eq(singletonLeases.name, LEASE));
    dead.child.kill("SIGKILL");
    await new Promise((r) => dead.child.once("exit", r));
    await enqueueTexts("after-kill", 3, "+15550000003");

    const next = await until("a new holder", async () => {
      const h = await leaseHolder(d, LEASE);
      return h && h.holder !== first.holder ? h : null;
    });
    const [after] = await d.db.orm.select().from(singletonLeases).where(eq(singletonLeases.name, LEASE));
    expect(next.token).toBe(first.token + 1);
    // Never two holders: the new term starts after the dead holder's last term ended (Postgres clock).
    expect(after!.acquiredAt.getTime()).toBeGreaterThanOrEqual(before!.expiresAt.getTime());

    const heir = workers.find((w) => w.holder === next.holder)!;
    await until("the three messages sent", async () =>
      (await rowsOf("after-kill")).every((r) => r.status === "sent"),
    );
    await sleep(1_000); // room for a duplicate to show up
    const sent = workers.flatMap((w) =>
      w.events
        .filter((e) => e.event === "sent" && e.text?.startsWith("after-kill"))
        .map((e) => ({ by: w.holder, text: e.text })),
    );
    expect(sent.map((s) => s.text).sort()).toEqual(["after-kill 0", "after-kill 1", "after-kill 2"]);
    expect(new Set(sent.map((s) => s.by))).toEqual(new Set([heir.holder]));
    // The third replica is still standing by.
    const third = workers.find((w) => w !== dead && w !== heir)!;
    expect(third.events.some((e) => e.event === "gain")).toBe(false);
  });
});
