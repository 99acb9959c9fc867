import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureWhatsappLink } from "../../../src/bots/whatsapp/link.js";
import { createWebjsWhatsapp, type WebjsWhatsapp } from "../../../src/bots/whatsapp/webjs/setup.js";
import { loadConfig } from "../../../src/config.js";
import { deliverDue, enqueue } from "../../../src/core/features/outbox/index.js";
import { drafts, outbox } from "../../../src/core/infra/db/schema/index.js";
import { createLogger } from "../../../src/core/infra/logger.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { ChatAdapter, DeliveryTarget } from "../../../src/core/ports/chat-adapter.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { soloOwnerPolicy } from "../../support/solo-owner.js";
import { FakeWebjsClient } from "../../unit/whatsapp/fake-webjs-client.js";

const API_TOKEN = "test-api-token-0123456789";
const flush = () => new Promise((r) => setTimeout(r, 0));

describe("whatsapp-web.js transport with a stand-in client", () => {
  let d: TestDeps;
  let wa: WebjsWhatsapp;
  let tenantId: string;
  let client: FakeWebjsClient;
  let app: ReturnType<typeof createHttpApp>;
  const slack: { target: DeliveryTarget; reply: Reply }[] = [];
  const logs: { msg?: string }[] = [];
  const enqueueText = (address: string, text: string) =>
    d.db.tenantTx(tenantId, (tx) =>
      enqueue(
        tx,
        { tenantId, dedupeKey: `t:${text}`, target: { channel: "whatsapp", address }, payload: { text } },
        d.clock.now(),
      ),
    );
  const texts = () => client.sent.map((s) => (typeof s.content === "string" ? s.content : ""));
  const say = async (from: string, body: string, extra = {}) => {
    client.emit("message", FakeWebjsClient.message(from, body, extra));
    await flush();
    await wa.drain();
  };

  beforeAll(async () => {
    d = await createTestDeps(
      { KEEL_API_TOKEN: API_TOKEN },
      {
        logger: createLogger({
          level: "info",
          destination: { write: (l: string) => void logs.push(JSON.parse(l)) },
        }),
      },
    );
    await loadDemo(d);
    const c = loadConfig({ WHATSAPP_TRANSPORT: "webjs", WHATSAPP_PACING_MS: "0" }).whatsapp;
    tenantId = await ensureWhatsappLink(d, "demo", "webjs:keel");
    // A one-person business (four eyes off): these tests are about numbered approvals on the transport.
    await soloOwnerPolicy(d, tenantId);
    const slackAdapter: ChatAdapter = {
      channel: "slack",
      capabilities: {
        nativeButtons: true,
        maxButtons: 5,
        threads: true,
        maxTextLength: 3000,
        markdown: "slack-mrkdwn",
        images: true,
      },
      send: async (target, reply) => {
        slack.push({ target, reply });
        return { messageIds: ["s1"] };
      },
    };
    d.channels.set("slack", slackAdapter);
    wa = createWebjsWhatsapp(d, createDispatcher(d, registry), c, tenantId, {
      createClient: () => {
        client = new FakeWebjsClient();
        return client;
      },
      makeMedia: (mimetype, data, filename) => ({ mimetype, data, filename }),
      print: null,
      baseDelayMs: 20,
    });
    d.channels.set("whatsapp", wa.adapter);
    app = createHttpApp(d, [(a) => a.route("/", wa.routes)]);
    await wa.supervisor.start();
  });
  afterAll(async () => {
    await wa.supervisor.stop();
    await d.cleanup();
  });

  it("exposes the login QR at GET /whatsapp/qr behind the API token", async () => {
    client.emit("qr", "2@AbCdEf0123456789,xyzPUBKEY=,ABCDEF==,1");
    expect((await app.request("/whatsapp/qr")).status).toBe(401);
    expect(
      (await app.request("/whatsapp/qr", { headers: { authorization: "Bearer wrong-token-0123456789" } }))
        .status,
    ).toBe(401);
    const res = await app.request("/whatsapp/qr", { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { state: string; qr: string; ascii: string };
    expect(body).toMatchObject({ state: "qr", qr: "2@AbCdEf0123456789,xyzPUBKEY=,ABCDEF==,1" });
    expect(body.ascii.length).toBeGreaterThan(100);
  });

  it("does not send before ready; the outbox keeps the message for a retry", async () => {
    await expect(
      wa.adapter.send({ channel: "whatsapp", address: "+15550000001" }, { text: "hi" }),
    ).rejects.toThrow(/not connected/);
    client.emit("authenticated");
    client.emit("ready");
    expect(wa.supervisor.state).toBe("ready");
  });

  it("answers a text command in the same chat", async () => {
    await say("15550000001@c.us", "deal Acme Logistics");
    expect(client.sent.at(-1)!.chatId).toBe("15550000001@c.us");
    expect(texts().at(-1)).toContain("Acme Logistics");
  });

  it("offers draft actions as numbered options and approves with a number, sending the draft once", async () => {
    await say("15550000001@c.us", "remind Acme Logistics");
    expect(texts().at(-1)).toContain("Reply *1* to approve, *2* to edit or *3* to reject.");
    const [draft] = await d.db.tenantTx(tenantId, (tx) =>
      tx.select().from(drafts).where(eq(drafts.status, "drafted")),
    );
    const before = client.sent.length;
    await say("15550000001@c.us", "1");
    await say("15550000001@c.us", "1");
    const after = texts().slice(before);
    const firstLine = draft!.body.split("\n")[0]!;
    expect(after.filter((t) => t.includes(firstLine))).toHaveLength(1);
    expect(after.some((t) => t.includes("Approved draft"))).toBe(true);
  });

  it.each([
    ["a NUL byte", "how are we doing\u0000 this month?"],
    ["a lone surrogate", "how are we doing \uD83D this week?"],
  ])("answers a message with %s (repaired at the boundary, not lost)", async (_n, body) => {
    const before = client.sent.length;
    await say("15550000001@c.us", body);
    expect(client.sent.length).toBeGreaterThan(before);
    expect(texts().at(-1)).toContain("business");
    expect(logs.some((l) => l.msg === "whatsapp message text repaired")).toBe(true);
  });

  it("maps a privacy id (@lid) sender to the phone number", async () => {
    client.lids.set("204000111222333@lid", "15550000002@c.us");
    await say("204000111222333@lid", "help");
    expect(client.sent.at(-1)!.chatId).toBe("15550000002@c.us");
    expect(texts().at(-1)).toContain("Here is what I understand");
  });

  it("ignores groups and status broadcasts; answers media politely", async () => {
    const n = client.sent.length;
    await say("120363025246125486@g.us", "deals");
    await say("status@broadcast", "deals", { isStatus: true });
    expect(client.sent.length).toBe(n);
    await say("15550000001@c.us", "", { type: "ptt", hasMedia: true });
    expect(texts().at(-1)).toContain("can't read voice messages");
  });

  it("sends a chart as an image with a caption", async () => {
    await wa.adapter.send(
      { channel: "whatsapp", address: "+15550000001" },
      { text: "Forecast", image: { pngBase64: "iVBORw0KGgo=", alt: "Revenue forecast" } },
    );
    const img = client.sent.find((s) => typeof s.content === "object");
    expect(img).toMatchObject({
      chatId: "15550000001@c.us",
      content: { mimetype: "image/png", data: "iVBORw0KGgo=" },
      options: { caption: "Revenue forecast" },
    });
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
  ] as const)(
    "sendMessage resolving %s: the outbox row fails (retryable), is logged, and the retry sends it once",
    async (_n, value) => {
      if (wa.supervisor.state !== "ready") client.emit("ready");
      const before = client.sent.length;
      await enqueueText("+15550000001", `unknown outcome ${String(value)}`);
      client.resolveNothing = { times: 1, value };
      const first = await deliverDue(d, d.channels, tenantId, 20, { noPacing: true });
      expect(first.results).toEqual([
        expect.objectContaining({
          status: "failed",
          error: expect.stringContaining(`sendMessage resolved ${String(value)}`),
        }),
      ]);
      expect(
        logs.some(
          (l) =>
            l.msg?.includes("sendMessage returned no message") &&
            !JSON.stringify(l).includes("unknown outcome"),
        ),
      ).toBe(true);
      expect(client.sent.length).toBe(before);
      await d.db.tenantTx(tenantId, (tx) =>
        tx
          .update(outbox)
          .set({ nextAttemptAt: new Date(0) })
          .where(eq(outbox.tenantId, tenantId)),
      );
      const second = await deliverDue(d, d.channels, tenantId, 20, { noPacing: true });
      expect(second.results).toEqual([expect.objectContaining({ status: "sent" })]);
      expect(texts().slice(before)).toEqual([`unknown outcome ${String(value)}`]);
    },
  );

  it("on LOGOUT (session deleted by the library) alerts the owner on another channel once and shows a new QR code", async () => {
    const old = client;
    old.emit("disconnected", "LOGOUT");
    await vi.waitFor(() => expect(slack).toHaveLength(1), { timeout: 10_000 });
    expect(slack[0]!.target.address).toBe("U0OWNER");
    expect(slack[0]!.reply.text).toContain("lost its session");
    expect(slack[0]!.reply.text).toContain("LOGOUT");
    await expect(
      wa.adapter.send({ channel: "whatsapp", address: "+15550000001" }, { text: "hi" }),
    ).rejects.toThrow(/lost its session \(LOGOUT\); waiting for a new QR scan/);
    // Relaunched for a new login: the new client's QR is served, and the reason is visible.
    await vi.waitFor(() => expect(client).not.toBe(old), { timeout: 10_000 });
    expect(client.initialized).toBe(1);
    client.emit("qr", "2@NewLoginAfterLogout,abc=,def==,1");
    const res = await app.request("/whatsapp/qr", { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(await res.json()).toMatchObject({
      state: "qr",
      qr: "2@NewLoginAfterLogout,abc=,def==,1",
      lostReason: "LOGOUT",
    });
    // The fresh QR expiring / being lost again before a scan does not alert a second time.
    const second = client;
    second.emit("disconnected", "UNPAIRED_IDLE");
    await vi.waitFor(() => expect(client).not.toBe(second), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(slack).toHaveLength(1);
    client.emit("ready");
    expect(wa.supervisor.state).toBe("ready");
  });

  it("CONFLICT tells the owner about replicas and the takeover setting; a ban stops for good", async () => {
    client.emit("disconnected", "CONFLICT");
    await vi.waitFor(() => expect(slack).toHaveLength(2), { timeout: 10_000 });
    expect(slack[1]!.reply.text).toContain("WHATSAPP_WEBJS_TAKEOVER");
    await vi.waitFor(() => expect(wa.supervisor.state).toBe("starting"), { timeout: 10_000 });
    client.emit("ready");
    client.emit("disconnected", "TOS_BLOCK");
    await vi.waitFor(() => expect(slack).toHaveLength(3), { timeout: 10_000 });
    expect(wa.supervisor.state).toBe("stopped");
    expect(slack[2]!.reply.text).toContain("banned");
    await expect(
      wa.adapter.send({ channel: "whatsapp", address: "+15550000001" }, { text: "hi" }),
    ).rejects.toThrow(/stopped \(TOS_BLOCK\)/);
  });
});
