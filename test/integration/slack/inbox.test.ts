import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALREADY_ANSWERED_TEXT, LATE_TEXT, THINKING_TEXT } from "../../../src/bots/slack/turns.js";
import {
  RESPONSE_URL_MAX_POSTS,
  receiveTurn,
  TURN_LEASE_MS,
} from "../../../src/core/features/inbox/index.js";
import { inboundTurns } from "../../../src/core/infra/db/schema/index.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { inboxRecoveryJob } from "../../../src/jobs/index.js";
import type { JobContext } from "../../../src/jobs/types.js";
import { createHarness, type Harness } from "./harness.js";

/**
 * The inbox of inbound turns on the Slack runtime (real dispatcher, demo company, local Slack Web API):
 * a turn is recorded before the ack and answered once — through Slack's retries, a placeholder Slack
 * refuses, a dead worker, a Web API outage — and a slash command's answer stays within the
 * response_url budget. The kill -9 version runs as a subprocess in test/e2e/slack-inbox.test.ts.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

let tsSeq = 1_700_100_000;
const nextTs = () => `${++tsSeq}.000100`;

const dm = (text: string, ts: string) => ({
  type: "message",
  channel_type: "im",
  user: "U0OWNER",
  text,
  ts,
  channel: "D0OWNER",
  event_ts: ts,
});

const turnRow = async (key: string) =>
  (
    await h.deps.db.orm
      .select()
      .from(inboundTurns)
      .where(and(eq(inboundTurns.channel, "slack"), eq(inboundTurns.key, key)))
  )[0];

/** The bot's messages in a thread, as the channel shows them now. */
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

/** A turn as a worker that died left it: recorded, a "thinking…" placeholder up, lease run out. */
async function orphan(event: ReturnType<typeof dm>, eventId: string, withPlaceholder: boolean) {
  const r = await receiveTurn(
    h.deps,
    {
      channel: "slack",
      key: `event:${eventId}`,
      kind: "message",
      account: "T0DEMO",
      payload: {
        eventId,
        teamKey: "T0DEMO",
        channel: event.channel,
        user: event.user,
        text: event.text,
        ts: event.ts,
      },
    },
    "dead-worker",
  );
  if (withPlaceholder) {
    // The dead worker's placeholder, posted with its turn id, its ts never recorded.
    await fetch(`${h.api.url}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer xoxb-test-demo" },
      body: JSON.stringify({
        channel: event.channel,
        thread_ts: event.ts,
        text: THINKING_TEXT,
        metadata: { event_type: "keel_turn", event_payload: { turn_id: r.turn.id } },
      }),
    });
  }
  await h.deps.db.orm
    .update(inboundTurns)
    .set({ lockedUntil: new Date(Date.now() - 1) })
    .where(eq(inboundTurns.id, r.turn.id));
  return r.turn;
}

describe("inbound turns are recorded before the ack and answered once", () => {
  it("a DM is recorded as pending before the ack, then answered and its text forgotten", async () => {
    const ts = nextTs();
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    const r = await h.event(dm("deals", ts), { eventId });
    expect(r.res.status).toBe(200);
    await h.runtime.idle();
    expect(await turnRow(`event:${eventId}`)).toMatchObject({
      status: "answered",
      payload: null,
      attempts: 1,
    });
    const answers = thread(ts);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).not.toBe(THINKING_TEXT);
    expect(answers[0]!.text).toContain("Acme");
  });

  it("Slack refuses the placeholder (internal_error): the answer is posted anyway", async () => {
    const ts = nextTs();
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    h.api.failNext("chat.postMessage", { error: "internal_error" });
    await h.event(dm("deals", ts), { eventId });
    await h.runtime.idle();
    const answers = thread(ts);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toContain("Acme");
    expect(await turnRow(`event:${eventId}`)).toMatchObject({ status: "answered" });
  });

  it("a retry of a turn whose worker died answers it late, in place of the stale placeholder", async () => {
    const ts = nextTs();
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    const ev = dm("invoices overdue", ts);
    await orphan(ev, eventId, true);
    expect(thread(ts).map((m) => m.text)).toEqual([THINKING_TEXT]);
    const r = await h.event(ev, {
      eventId,
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect(r.res.status).toBe(200);
    await h.runtime.idle();
    const answers = thread(ts);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toContain(LATE_TEXT);
    expect(await turnRow(`event:${eventId}`)).toMatchObject({ status: "answered", attempts: 2 });
    // More retries change nothing.
    await h.event(ev, {
      eventId,
      headers: { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" },
    });
    await h.runtime.idle();
    expect(thread(ts)).toHaveLength(1);
  });

  it("a retry while the first worker still holds the turn does nothing", async () => {
    const ts = nextTs();
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    const ev = dm("deals", ts);
    await receiveTurn(
      h.deps,
      { channel: "slack", key: `event:${eventId}`, kind: "message", payload: { eventId } },
      "live-worker",
    );
    await h.event(ev, {
      eventId,
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    await h.runtime.idle();
    expect(thread(ts)).toHaveLength(0);
    const row = await turnRow(`event:${eventId}`);
    expect(row).toMatchObject({ status: "pending", owner: "live-worker", attempts: 1 });
    expect(row!.lockedUntil!.getTime()).toBeLessThanOrEqual(Date.now() + TURN_LEASE_MS);
    await h.deps.db.orm.update(inboundTurns).set({ status: "answered" }).where(eq(inboundTurns.id, row!.id));
  });

  it("the recovery sweep answers turns no retry came for; one without a placeholder gets a late answer", async () => {
    const a = nextTs();
    const b = nextTs();
    const ea = `Ev${randomUUID().slice(0, 8)}`;
    const eb = `Ev${randomUUID().slice(0, 8)}`;
    await orphan(dm("deals", a), ea, true);
    await orphan(dm("deals stuck", b), eb, false);
    const result = await inboxRecoveryJob.run(h.deps, jobCtx());
    expect(result).toMatchObject({ resumed: 2 });
    await h.runtime.idle();
    for (const ts of [a, b]) {
      const answers = thread(ts);
      expect(answers, ts).toHaveLength(1);
      expect(answers[0]!.text).toContain(LATE_TEXT);
    }
    expect(await turnRow(`event:${ea}`)).toMatchObject({ status: "answered" });
    expect(await turnRow(`event:${eb}`)).toMatchObject({ status: "answered" });
    // Nothing left for the next sweep.
    expect(await inboxRecoveryJob.run(h.deps, jobCtx())).toMatchObject({ resumed: 0 });
  });

  it("the answer cannot be delivered (Slack down): the turn stays pending and a later sweep answers it", async () => {
    const ts = nextTs();
    const eventId = `Ev${randomUUID().slice(0, 8)}`;
    // Placeholder goes out; every edit and post after it fails (the client retries twice each).
    h.api.failNext("chat.update", ...Array.from({ length: 3 }, () => ({ status: 503 })));
    await h.event(dm("deals", ts), { eventId });
    await h.runtime.idle();
    const row = await turnRow(`event:${eventId}`);
    expect(row).toMatchObject({ status: "pending", owner: null });
    expect(row!.lastError).toMatch(/^slack:/);
    expect(thread(ts).map((m) => m.text)).toEqual([THINKING_TEXT]);
    await h.deps.db.orm
      .update(inboundTurns)
      .set({ lockedUntil: new Date(Date.now() - 1) })
      .where(eq(inboundTurns.id, row!.id));
    await inboxRecoveryJob.run(h.deps, jobCtx());
    await h.runtime.idle();
    const answers = thread(ts);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.text).toContain(LATE_TEXT);
    expect(await turnRow(`event:${eventId}`)).toMatchObject({ status: "answered" });
  });

  it("Slack fails half-way through a long answer: the later attempt posts only the missing part", async () => {
    const ctx = h.runtime.context;
    const real = ctx.dispatcher.dispatch;
    const long: Reply = {
      text: ["Part A: ", "Part B: "].map((p) => `${p}${"numbers and notes ".repeat(700)}`).join("\n\n"),
    };
    let calls = 0;
    ctx.dispatcher.dispatch = async () => {
      // Part A is posted (no placeholder: Slack refused it), the post of part B fails (a 5xx: the
      // client does not repeat a post that may have landed).
      if (calls++ === 0) h.api.failNext("chat.postMessage", { pass: true }, { status: 503 });
      return long;
    };
    try {
      const ts = nextTs();
      const eventId = `Ev${randomUUID().slice(0, 8)}`;
      h.api.failNext("chat.postMessage", { error: "internal_error" });
      await h.event(dm("tell me all", ts), { eventId });
      await h.runtime.idle();
      const row = await turnRow(`event:${eventId}`);
      expect(row!.status).toBe("pending");
      await h.deps.db.orm
        .update(inboundTurns)
        .set({ lockedUntil: new Date(Date.now() - 1) })
        .where(eq(inboundTurns.id, row!.id));
      await inboxRecoveryJob.run(h.deps, jobCtx());
      await h.runtime.idle();
      const texts = thread(ts).map((m) => m.text ?? "");
      expect(texts.filter((t) => t.includes("Part A:"))).toHaveLength(1);
      expect(texts.filter((t) => t.includes("Part B:"))).toHaveLength(1);
      expect(texts).not.toContain(THINKING_TEXT);
      expect(await turnRow(`event:${eventId}`)).toMatchObject({ status: "answered" });
    } finally {
      ctx.dispatcher.dispatch = real;
    }
  });

  it("a bot message, an edit and a channel message without a mention are not turns", async () => {
    const before = (await h.deps.db.orm.select().from(inboundTurns)).length;
    const ts = nextTs();
    await h.event({ ...dm("deals", ts), bot_id: "B0OTHER" });
    await h.event({ ...dm("deals", nextTs()), subtype: "message_changed" });
    await h.event({
      type: "message",
      channel_type: "channel",
      user: "U0OWNER",
      text: "deals",
      ts: nextTs(),
      channel: "C0SALES",
    });
    await h.runtime.idle();
    expect((await h.deps.db.orm.select().from(inboundTurns)).length).toBe(before);
  });
});

/** A signed slash command form body with a fixed trigger id (so it can be replayed byte for byte). */
function commandForm(command: string, text: string, responseId: string, triggerId = `trig-${randomUUID()}`) {
  return new URLSearchParams({
    token: "legacy",
    team_id: "T0DEMO",
    team_domain: "demo",
    channel_id: "C0SALES",
    channel_name: "sales",
    user_id: "U0OWNER",
    user_name: "owner",
    command,
    text,
    api_app_id: "A0KEEL",
    is_enterprise_install: "false",
    response_url: h.api.responseUrl(responseId),
    trigger_id: triggerId,
  }).toString();
}

describe("slash commands: the response_url budget and replays", () => {
  it(`a long answer posts at most ${RESPONSE_URL_MAX_POSTS} times to the response_url, the rest with chat.postMessage`, async () => {
    const ctx = h.runtime.context;
    const real = ctx.dispatcher.dispatch;
    const long: Reply = {
      text: Array.from({ length: 8 }, (_, i) => `Part ${i + 1}: ${"figures and words ".repeat(600)}`).join(
        "\n\n",
      ),
    };
    ctx.dispatcher.dispatch = async () => long;
    try {
      const responseId = randomUUID();
      const before = h.api.callsTo("chat.postMessage").length;
      const r = await h.post(
        commandForm("/coach", "tell me everything", responseId),
        "application/x-www-form-urlencoded",
      );
      expect(r.res.status).toBe(200);
      await h.runtime.idle();
      const viaUrl = h.api.responsesFor(responseId);
      const viaApi = h.api.callsTo("chat.postMessage").slice(before);
      expect(viaUrl).toHaveLength(RESPONSE_URL_MAX_POSTS);
      expect(viaApi.length).toBeGreaterThan(0);
      for (const c of viaApi) expect(c.params.channel).toBe("C0SALES");
      // Nothing lost: every part arrived, in order.
      const all = [
        ...viaUrl.map((x) => String(x.body.text)),
        ...viaApi.map((c) => String(c.params.text)),
      ].join("\n");
      for (let i = 1; i <= 8; i++) expect(all).toContain(`Part ${i}:`);
      expect(all.indexOf("Part 1:")).toBeLessThan(all.indexOf("Part 8:"));
    } finally {
      ctx.dispatcher.dispatch = real;
    }
  });

  it("a replayed command says 'already answered' once, then nothing; the answer is never posted again", async () => {
    const responseId = randomUUID();
    const form = commandForm("/deal", "Acme", responseId);
    const first = await h.post(form, "application/x-www-form-urlencoded");
    expect(first.res.status).toBe(200);
    await h.runtime.idle();
    expect(h.api.responsesFor(responseId)).toHaveLength(1);
    const replay = await h.post(form, "application/x-www-form-urlencoded");
    expect(replay.res.status).toBe(200);
    expect(await replay.res.json()).toEqual({ response_type: "ephemeral", text: ALREADY_ANSWERED_TEXT });
    for (let i = 0; i < 3; i++) {
      const again = await h.post(form, "application/x-www-form-urlencoded");
      expect(again.res.status).toBe(200);
      expect(await again.res.text()).toBe("");
    }
    await h.runtime.idle();
    expect(h.api.responsesFor(responseId)).toHaveLength(1);
  });

  it("a response_url that refuses (expired) falls back to the Web API in the same place", async () => {
    const ctx = h.runtime.context;
    const ws = await ctx.workspaces.resolve("T0DEMO");
    const { turn } = await receiveTurn(h.deps, {
      channel: "slack",
      key: `command:trig-${randomUUID()}`,
      kind: "command",
      payload: {},
    });
    const { deliverCommand } = await import("../../../src/bots/slack/turns.js");
    const before = h.api.callsTo("chat.postEphemeral").length;
    await deliverCommand(
      ctx,
      ws,
      turn,
      {
        command: "/keel",
        text: "usage",
        userId: "U0OWNER",
        channelId: "C0SALES",
        responseUrl: `${h.api.base}/nowhere/expired`,
        triggerId: "t",
      },
      [{ text: "private figures" } as never],
      true,
    );
    const eph = h.api.callsTo("chat.postEphemeral").slice(before);
    expect(eph).toHaveLength(1);
    expect(eph[0]!.params).toMatchObject({ channel: "C0SALES", user: "U0OWNER", text: "private figures" });
  });
});
