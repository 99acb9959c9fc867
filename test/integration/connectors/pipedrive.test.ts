import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { addUser, createCompany } from "../../../src/core/features/company/index.js";
import { getAccount } from "../../../src/core/features/connectors/index.js";
import {
  connectPipedrive,
  type SyncReport,
  syncPipedrive,
} from "../../../src/core/features/pipedrive/index.js";
import { actorByEmail } from "../../../src/core/features/tenancy/index.js";
import {
  connectorAccounts,
  contacts,
  dealNotes,
  dealStageHistory,
  deals,
  outbox,
  stages,
} from "../../../src/core/infra/db/schema/index.js";
import { createLogger } from "../../../src/core/infra/logger.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { registry } from "../../../src/core/registry.js";
import { createHttpApp } from "../../../src/http/app.js";
import { pipedriveWebhookMount } from "../../../src/http/pipedrive.js";
import { createScheduler, pipedriveSyncJob } from "../../../src/jobs/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakePipedrive } from "../../support/fake-pipedrive.js";

const SECRET = "pipedrive-test-keel-secret-0123";
const logLines: string[] = [];
const logger = createLogger({ level: "debug", destination: { write: (s: string) => void logLines.push(s) } });

describe("Pipedrive connector against a local Pipedrive", () => {
  const pd = new FakePipedrive();
  let d: TestDeps;
  let t: string;
  let hook: { user: string; password: string };
  const q = <T>(fn: (tx: Parameters<Parameters<TestDeps["db"]["tenantTx"]>[1]>[0]) => Promise<T>) =>
    d.db.tenantTx(t, fn);
  const deal = async (pdId: number) =>
    (
      await q((tx) =>
        tx
          .select()
          .from(deals)
          .where(eq(deals.externalId, `pipedrive:deal:${pdId}`)),
      )
    )[0];
  const changes = (r: SyncReport) =>
    Object.fromEntries(Object.entries(r.entities).map(([k, c]) => [k, c.new + c.updated + c.deleted]));
  const sync = (full = false) => syncPipedrive(d, t, { full });
  const say = async (email: string, text: string) => {
    const a = await actorByEmail(d.db, t, email);
    const intent = {
      ...parseText(text),
      origin: { tenantId: t, userId: a.userId, channel: "console", conversationId: "c" },
      idempotencyKey: randomUUID(),
    } as Intent;
    return createDispatcher(d, registry).dispatch(intent);
  };

  beforeAll(async () => {
    await pd.start();
    pd.seed();
    d = await createTestDeps(
      {
        KEEL_SECRET: SECRET,
        PIPEDRIVE_BASE_URL: pd.base,
        PIPEDRIVE_RETRY_BASE_MS: "20",
        PIPEDRIVE_WEBHOOK_MAX_BYTES: "4096",
        PIPEDRIVE_MAX_RETRIES: "3",
      },
      { logger },
    );
    d.channels.set("console", new ConsoleAdapter(null));
    t = (
      await createCompany(d, {
        company: "Quay",
        slug: "quay",
        currency: "EUR",
        timezone: "Europe/Lisbon",
        owner: "ana@quay.example",
      })
    ).tenant.id;
    await addUser(d, t, { email: "rui@quay.example", role: "rep" });
  }, 120_000);
  afterAll(async () => {
    await d.cleanup();
    await pd.stop();
  });

  it("refuses a token Pipedrive rejects, and a string that is not a token, storing nothing", async () => {
    await expect(connectPipedrive(d, t, "wrong-token-0123456789abcdef")).rejects.toThrow(
      /refused this API token/,
    );
    await expect(connectPipedrive(d, t, "my token; drop table")).rejects.toThrow(/does not look like/);
    expect(await getAccount(d, t, "pipedrive")).toBeUndefined();
  });

  it("connects: the token is stored sealed (not in the row in clear, not in any log line)", async () => {
    const c = await connectPipedrive(d, t, pd.token);
    hook = { user: c.webhookUser, password: c.webhookPassword };
    const [row] = await q((tx) => tx.select().from(connectorAccounts));
    expect(JSON.stringify(row)).not.toContain(pd.token);
    expect(JSON.stringify(row)).not.toContain(c.webhookPassword);
    expect(row!.secrets).toMatch(/^v1:/);
    expect(row!.webhookKey).toBe(c.webhookUser);
  });

  it("a full sync brings pipelines, stages, users, orgs, persons, deals, notes and activities", async () => {
    const r = await sync();
    expect(r.ok).toBe(true);
    expect(r.mode).toBe("full");
    expect(r.entities.users.new).toBe(2);
    expect(r.entities.pipelines.new).toBe(1);
    expect(r.entities.stages.new).toBe(4);
    expect(r.entities.organizations.new).toBe(2);
    expect(r.entities.persons.new).toBe(2);
    expect(r.entities.deals.new).toBe(3);
    expect(r.entities.notes).toMatchObject({ new: 1, skipped: 1 });
    expect(r.entities.activities.new).toBe(2);
    expect(r.errors).toEqual([]);
    const acme = await deal(1);
    const ana = await actorByEmail(d.db, t, "ana@quay.example");
    expect(acme).toMatchObject({
      name: "Acme Logistics fleet",
      valueMinor: 100050,
      currency: "EUR",
      company: "Acme Logistics",
      ownerUserId: ana.userId,
      status: "open",
      expectedCloseOn: "2026-12-15",
      nextStep: "Call Dana (due 2026-11-05)",
    });
    const [st] = await q((tx) => tx.select().from(stages).where(eq(stages.id, acme!.stageId)));
    expect(st).toMatchObject({ name: "Qualified", probability: 0.3 });
    const proposal = (await q((tx) => tx.select().from(stages).where(eq(stages.name, "Proposal Made"))))[0]!;
    expect(proposal.stuckAfterDays).toBe(21);
    const notes = await q((tx) => tx.select().from(dealNotes).where(eq(dealNotes.dealId, acme!.id)));
    expect(notes.map((n) => n.body)).toEqual(["Asked for pricing & terms"]);
    const dana = await q((tx) =>
      tx.select().from(contacts).where(eq(contacts.externalId, "pipedrive:person:1")),
    );
    expect(dana[0]).toMatchObject({
      name: "Dana Diaz",
      email: "dana@acme.example",
      company: "Acme Logistics",
    });
  });

  it("`deals` in chat answers from the synced data", async () => {
    const r = JSON.stringify(await say("ana@quay.example", "deals"));
    expect(r).toContain("3 open deals");
    expect(r).toContain("Acme Logistics fleet");
    expect(r).toContain("Borealis rollout");
  });

  it("syncing again changes nothing, incremental or full (idempotent)", async () => {
    const inc = await sync();
    expect(inc.mode).toBe("incremental");
    expect(Object.values(changes(inc)).every((n) => n === 0)).toBe(true);
    const full = await sync(true);
    expect(Object.values(changes(full)).every((n) => n === 0)).toBe(true);
    expect(await q((tx) => tx.select().from(deals))).toHaveLength(3);
  });

  it("an incremental sync asks only for changes since the cursor and picks up exactly them", async () => {
    pd.put("deals", { id: 2, value: 2500 });
    pd.put("deals", {
      id: 40,
      title: "New harbour cranes",
      owner_id: 2,
      org_id: 2,
      pipeline_id: 1,
      stage_id: 1,
      value: 9000,
      currency: "EUR",
      status: "open",
      is_deleted: false,
    });
    const before = pd.requests.length;
    const r = await sync();
    expect(r.entities.deals).toMatchObject({ new: 1, updated: 1, deleted: 0 });
    expect(changes(r).persons).toBe(0);
    const dealCalls = pd.requests.slice(before).filter((x) => x.path === "/api/v2/deals");
    expect(dealCalls.every((x) => x.query.updated_since)).toBe(true);
    expect((await deal(2))!.valueMinor).toBe(250000);
    expect((await deal(40))!.name).toBe("New harbour cranes");
  });

  it("a stage change in Pipedrive is recorded in stage history", async () => {
    const was = await deal(1);
    pd.put("deals", { id: 1, stage_id: 3 });
    await sync();
    const now = await deal(1);
    expect(now!.stageId).not.toBe(was!.stageId);
    const hist = await q((tx) =>
      tx
        .select()
        .from(dealStageHistory)
        .where(eq(dealStageHistory.dealId, now!.id))
        .orderBy(dealStageHistory.enteredAt),
    );
    expect(hist).toHaveLength(2);
    expect(hist[0]!.leftAt).not.toBeNull();
    expect(hist[1]).toMatchObject({ stageId: now!.stageId, leftAt: null });
  });

  it("a field Pipedrive does not send (next step comes from activities) is left untouched by a deal update", async () => {
    pd.put("deals", { id: 1, title: "Acme Logistics fleet (renewal)" });
    await sync();
    expect(await deal(1)).toMatchObject({
      name: "Acme Logistics fleet (renewal)",
      nextStep: "Call Dana (due 2026-11-05)",
    });
  });

  it("a deleted deal leaves Keel with its notes; a completed activity moves the next step", async () => {
    pd.remove("deals", 3);
    pd.put("activities", { id: 1, done: true });
    const r = await sync();
    expect(r.entities.deals.deleted).toBe(1);
    expect(await deal(3)).toBeUndefined();
    expect((await deal(1))!.nextStep).toBeNull();
  });

  it("honours 429 retry-after and retries 5xx with backoff", async () => {
    pd.put("deals", { id: 2, value: 2600 });
    pd.inject({ status: 429, headers: { "retry-after": "1" } }, { status: 502 }, { status: 503 });
    const before = pd.requests.length;
    const r = await sync();
    expect(r.ok).toBe(true);
    expect(r.throttled).toBe(1);
    expect(r.retries).toBeGreaterThanOrEqual(3);
    const calls = pd.requests.slice(before);
    expect(calls.slice(0, 4).map((c) => c.status)).toEqual([429, 502, 503, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    expect((await deal(2))!.valueMinor).toBe(260000);
  });

  it("5xx past the retry budget fails the run without throwing; chat still answers", async () => {
    pd.inject(...Array.from({ length: 4 }, () => ({ status: 500 })));
    const r = await sync();
    expect(r.ok).toBe(false);
    expect(r.failure?.code).toBe("server");
    expect(JSON.stringify(await say("ana@quay.example", "deals"))).toContain("Borealis rollout");
  });

  it("a revoked token alerts the owner once across several runs; sync status shows it; recovery clears it", async () => {
    const alerts = () =>
      q((tx) => tx.select().from(outbox).where(eq(outbox.tenantId, t))).then((rows) =>
        rows.filter((o) => JSON.stringify(o.payload).includes("connector.pipedrive")),
      );
    const real = pd.token;
    pd.token = "revoked-token-value";
    for (let i = 0; i < 3; i++) expect((await sync()).failure?.code).toBe("auth");
    const sent = await alerts();
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.payload)).toContain("Pipedrive sync stopped");
    const status = await say("ana@quay.example", "sync status");
    expect(JSON.stringify(status)).toMatch(/failing since/);
    expect(JSON.stringify(status)).toContain("owner alerted");
    const rep = await say("rui@quay.example", "sync status");
    expect(rep.text).toMatch(/cannot see connector status/);
    pd.token = real;
    expect((await sync()).ok).toBe(true);
    expect((await getAccount(d, t, "pipedrive"))!.failingSince).toBeNull();
    expect(await alerts()).toHaveLength(1);
  });

  describe("webhooks", () => {
    const post = (body: unknown, auth?: { user: string; password: string }, raw = false) => {
      const app = createHttpApp(d, [pipedriveWebhookMount(d)]);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (auth)
        headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
      return app.request("/connectors/pipedrive/webhook", {
        method: "POST",
        headers,
        body: raw ? (body as string) : JSON.stringify(body),
      });
    };

    it("refuses missing or wrong credentials with 401 and applies nothing", async () => {
      pd.data.deals!.get(2)!.value = 7777;
      const payload = pd.webhookV2("change", "deal", 2);
      expect((await post(payload)).status).toBe(401);
      expect((await post(payload, { user: hook.user, password: "guess" })).status).toBe(401);
      expect((await post(payload, { user: "keel-other", password: hook.password })).status).toBe(401);
      expect((await deal(2))!.valueMinor).toBe(260000);
    });

    it("applies a v2 deal change with the right credentials", async () => {
      pd.put("deals", { id: 2, value: 7777, stage_id: 4 });
      const res = await post(pd.webhookV2("change", "deal", 2), hook);
      expect(res.status).toBe(200);
      expect((await deal(2))!.valueMinor).toBe(777700);
    });

    it("answers 400 with a log line to a malformed body", async () => {
      logLines.length = 0;
      expect((await post("{not json", hook, true)).status).toBe(400);
      expect((await post({ meta: { action: "explode" }, data: 1 }, hook)).status).toBe(400);
      expect((await post([1, 2, 3], hook)).status).toBe(400);
      expect(logLines.join("")).toMatch(/malformed pipedrive webhook|not JSON/);
    });

    it("refuses a body over the limit with 413 before parsing it", async () => {
      const big = { ...pd.webhookV2("change", "deal", 2), padding: "x".repeat(10_000) };
      const res = await post(big, hook);
      expect(res.status).toBe(413);
    });

    it("a v2 delete with merged_to_id merges persons: deals follow the survivor, the duplicate goes", async () => {
      const res = await post(pd.webhookV2("delete", "person", 2, { merged_to_id: "1" }), hook);
      expect(res.status).toBe(200);
      const left = await q((tx) =>
        tx.select().from(contacts).where(eq(contacts.externalId, "pipedrive:person:2")),
      );
      expect(left).toHaveLength(0);
    });

    it("a v1 merged.deal moves the notes to the surviving deal and removes the merged one", async () => {
      pd.put("notes", { id: 9, content: "Note on 40", deal_id: 40, user_id: 1, active_flag: true });
      await sync();
      const body = {
        event: "merged.deal",
        meta: { action: "merged", object: "deal", id: 1 },
        current: { id: 1, merge_what_id: 40 },
        previous: { id: 40 },
      };
      expect((await post(body, hook)).status).toBe(200);
      expect(await deal(40)).toBeUndefined();
      const survivor = await deal(1);
      const moved = await q((tx) =>
        tx
          .select()
          .from(dealNotes)
          .where(and(eq(dealNotes.dealId, survivor!.id), eq(dealNotes.externalId, "pipedrive:note:9"))),
      );
      expect(moved).toHaveLength(1);
    });

    it("a v1 updated.deal is read again through the API and applied", async () => {
      pd.put("deals", { id: 2, title: "Borealis rollout phase 2" });
      const body = {
        event: "updated.deal",
        meta: { action: "updated", object: "deal", id: 2 },
        current: { id: 2, title: "Borealis rollout phase 2", user_id: { id: 2 } },
        previous: { id: 2 },
      };
      expect((await post(body, hook)).status).toBe(200);
      expect((await deal(2))!.name).toBe("Borealis rollout phase 2");
    });
  });

  it("the scheduled sync runs once per slot across three replicas", async () => {
    pd.put("deals", { id: 2, value: 3100 });
    const schedulers = ["a", "b", "c"].map((r) =>
      createScheduler(d, [pipedriveSyncJob], { timers: false, runner: `replica-${r}` }),
    );
    const before = pd.requests.filter((x) => x.path === "/api/v2/deals").length;
    const outcomes = await Promise.all(schedulers.map((s) => s.fire("pipedrive-sync")));
    const ran = outcomes.filter((o) => o.status === "succeeded");
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ result: { tenants: 1, synced: 1, failing: 0 } });
    // One run: two deal listings (changed + deleted), not six.
    expect(pd.requests.filter((x) => x.path === "/api/v2/deals").length - before).toBe(2);
    expect((await deal(2))!.valueMinor).toBe(310000);
  });

  it("never logs the API token or the webhook password", () => {
    const all = logLines.join("");
    expect(all).not.toContain(pd.token);
    expect(all).not.toContain(hook.password);
  });
});
