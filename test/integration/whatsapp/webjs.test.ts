import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureWhatsappLink } from "../../../src/bots/whatsapp/link.js";
import { createWebjsWhatsapp, type WebjsWhatsapp } from "../../../src/bots/whatsapp/webjs/setup.js";
import { loadConfig } from "../../../src/config.js";
import { drafts } from "../../../src/core/infra/db/schema/index.js";
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
  const texts = () => client.sent.map((s) => (typeof s.content === "string" ? s.content : ""));
  const say = async (from: string, body: string, extra = {}) => {
    client.emit("message", FakeWebjsClient.message(from, body, extra));
    await flush();
    await wa.drain();
  };

  beforeAll(async () => {
    d = await createTestDeps({ KEEL_API_TOKEN: API_TOKEN });
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

  it("on LOGOUT stops sending, alerts the owner on another channel once, and never restarts", async () => {
    const initialized = client.initialized;
    client.emit("disconnected", "LOGOUT");
    await vi.waitFor(() => expect(slack).toHaveLength(1), { timeout: 10_000 });
    expect(wa.supervisor.state).toBe("stopped");
    await expect(
      wa.adapter.send({ channel: "whatsapp", address: "+15550000001" }, { text: "hi" }),
    ).rejects.toThrow(/stopped \(LOGOUT\); scan a new QR code/);
    expect(slack).toHaveLength(1);
    expect(slack[0]!.target.address).toBe("U0OWNER");
    expect(slack[0]!.reply.text).toContain("logged out");
    await new Promise((r) => setTimeout(r, 50));
    expect(client.initialized).toBe(initialized);
    const res = await app.request("/whatsapp/qr", { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(await res.json()).toMatchObject({ state: "stopped", haltReason: "LOGOUT" });
  });
});
