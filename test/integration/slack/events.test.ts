import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { THINKING_TEXT } from "../../../src/bots/slack/listeners/conversation.js";
import { inboundTurns } from "../../../src/core/infra/db/schema/index.js";
import { createHarness, type Harness, recordAck } from "./harness.js";

let h: Harness;
const acks: number[] = [];
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  recordAck("events (app.request)", acks);
  await h?.close();
});

/** Sends an event and records its ack time. */
async function send(...args: Parameters<Harness["event"]>) {
  const r = await h.event(...args);
  acks.push(r.ms);
  return r;
}

const mention = (text: string, ts = "1700000100.000200", threadTs?: string) => ({
  type: "app_mention",
  user: "U0OWNER",
  text: `<@UKEELBOT> ${text}`,
  ts,
  ...(threadTs ? { thread_ts: threadTs } : {}),
  channel: "C0SALES",
  event_ts: ts,
});

describe("mentions and DMs", () => {
  it("a mention gets a thinking… placeholder in the thread, edited into the answer", async () => {
    const r = await send(mention("deal Acme"));
    expect(r.res.status).toBe(200);
    await h.runtime.idle();
    const posted = h.api
      .callsTo("chat.postMessage")
      .filter((c) => c.params.text === THINKING_TEXT && c.params.thread_ts === "1700000100.000200");
    expect(posted).toHaveLength(1);
    const updates = h.api.callsTo("chat.update").filter((c) => c.params.channel === "C0SALES");
    expect(updates.at(-1)!.params.text).toContain("Acme Logistics");
  });

  it("replies in the existing thread and keeps the thread as the conversation", async () => {
    await send(mention("deals", "1700000200.000300", "1700000100.000200"));
    await h.runtime.idle();
    const last = h.api.callsTo("chat.postMessage").at(-1)!;
    expect(last.params.thread_ts).toBe("1700000100.000200");
  });

  it("a DM goes to the coach; bot messages and edits are ignored", async () => {
    const before = h.api.callsTo("chat.postMessage").length;
    await send({
      type: "message",
      channel_type: "im",
      channel: "D0OWNER",
      user: "U0OWNER",
      text: "how are we doing this month?",
      ts: "1700000300.000100",
    });
    await send({
      type: "message",
      channel_type: "im",
      channel: "D0OWNER",
      bot_id: "BKEELBOT",
      text: "I am the bot",
      ts: "1700000301.000100",
    });
    await send({
      type: "message",
      subtype: "message_changed",
      channel_type: "im",
      channel: "D0OWNER",
      ts: "1700000302.000100",
    });
    await h.runtime.idle();
    expect(h.api.callsTo("chat.postMessage").length - before).toBe(1);
  });

  it("the same event delivered 4 times (retries, two overlapping) is processed once", async () => {
    const eventId = "EvDUPLICATE1";
    const ev = mention("deal Acme", "1700000400.000100");
    const placeholders = () =>
      h.api.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === "1700000400.000100").length;
    const [a, b] = await Promise.all([
      send(ev, { eventId }),
      send(ev, { eventId, headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }),
    ]);
    await send(ev, {
      eventId,
      headers: { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" },
    });
    await h.runtime.idle();
    await send(ev, { eventId, headers: { "x-slack-retry-num": "3", "x-slack-retry-reason": "http_error" } });
    await h.runtime.idle();
    expect([a.res.status, b.res.status]).toEqual([200, 200]);
    expect(placeholders()).toBe(1);
    const [row] = await h.deps.db.orm
      .select()
      .from(inboundTurns)
      .where(and(eq(inboundTurns.channel, "slack"), eq(inboundTurns.key, `event:${eventId}`)));
    // Answered once, and the message text is not kept once answered.
    expect(row).toMatchObject({ status: "answered", attempts: 1, payload: null });
  });

  it("the durable claim holds even when the fast store check is gone (restart, flushed Redis)", async () => {
    const eventId = "EvDUPLICATE2";
    const ev = mention("deals", "1700000500.000100");
    await send(ev, { eventId });
    await h.runtime.idle();
    await h.deps.store.del(`slack:event-seen:${eventId}`);
    await send(ev, { eventId, headers: { "x-slack-retry-num": "1" } });
    await h.runtime.idle();
    expect(
      h.api.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === "1700000500.000100"),
    ).toHaveLength(1);
  });

  it("a retry header alone does not drop a first delivery", async () => {
    await send(mention("deals", "1700000600.000100"), {
      eventId: "EvFIRSTSEENASRETRY",
      headers: { "x-slack-retry-num": "1" },
    });
    await h.runtime.idle();
    expect(
      h.api.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === "1700000600.000100"),
    ).toHaveLength(1);
  });
});

describe("App Home", () => {
  it("publishes pending approvals, pipeline and spend for an owner", async () => {
    // Drafted by the manager: above the four-eyes threshold only someone else (the owner) may approve.
    await h.command("/remind", "Acme", "U0MANAGER");
    await h.runtime.idle();
    await send({
      type: "app_home_opened",
      user: "U0OWNER",
      channel: "D0OWNER",
      tab: "home",
      event_ts: "1700000700.000100",
    });
    await h.runtime.idle();
    const pub = h.api.callsTo("views.publish").at(-1)!;
    expect(pub.params.user_id).toBe("U0OWNER");
    const view = JSON.stringify(pub.params.view);
    expect(view).toContain("Waiting for your approval");
    expect(view).toContain("Approve");
    expect(view).toContain("Open pipeline");
    expect(view).toContain("AI spend");
  });

  it("a viewer sees no approvals they cannot act on and no spend", async () => {
    await send({
      type: "app_home_opened",
      user: "U0VIEWER",
      channel: "D0VIEWER",
      tab: "home",
      event_ts: "1700000800.000100",
    });
    await h.runtime.idle();
    const view = JSON.stringify(h.api.callsTo("views.publish").at(-1)!.params.view);
    expect(view).toContain("Waiting for your approval (0)");
    expect(view).not.toContain("AI spend");
  });
});
