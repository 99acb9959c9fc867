import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWhatsappLink } from "../../../src/bots/whatsapp/link.js";
import { createWebjsWhatsapp, type WebjsWhatsapp } from "../../../src/bots/whatsapp/webjs/setup.js";
import type { WebjsMessageLike } from "../../../src/bots/whatsapp/webjs/transport.js";
import { loadConfig } from "../../../src/config.js";
import { deals } from "../../../src/core/infra/db/schema/index.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { FakeWebjsClient } from "../../unit/whatsapp/fake-webjs-client.js";

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A CSV sent over whatsapp-web.js: read with the library's Message.downloadMedia(), numbered Import. */
describe("files on the whatsapp-web.js transport", () => {
  let d: TestDeps;
  let wa: WebjsWhatsapp;
  let tenantId: string;
  let client: FakeWebjsClient;
  let downloads = 0;
  const texts = () => client.sent.map((s) => (typeof s.content === "string" ? s.content : ""));
  const send = async (msg: WebjsMessageLike) => {
    client.emit("message", msg);
    await flush();
    await wa.drain();
  };
  /** A `document` message the way whatsapp-web.js emits it (media fetched on demand). */
  const document = (from: string, filename: string, mimetype: string, content: string | undefined) =>
    FakeWebjsClient.message(from, filename, {
      type: "document",
      hasMedia: true,
      _data: { filename, mimetype, size: content?.length ?? 0 },
      downloadMedia: async () => {
        downloads++;
        return content === undefined
          ? undefined
          : { data: Buffer.from(content).toString("base64"), mimetype, filename, filesize: content.length };
      },
    });

  beforeAll(async () => {
    d = await createTestDeps();
    await loadDemo(d);
    const c = loadConfig({ WHATSAPP_TRANSPORT: "webjs", WHATSAPP_PACING_MS: "0" }).whatsapp;
    tenantId = await ensureWhatsappLink(d, "demo", "webjs:keel");
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
    await wa.supervisor.start();
    client.emit("ready");
    await flush();
  });
  afterAll(async () => {
    await wa.supervisor.stop();
    await d.cleanup();
  });

  it("an owner's CSV → numbered preview → “1” imports it", async () => {
    await send(
      document(
        "15550000001@c.us",
        "pipeline.csv",
        "text/csv",
        "name,stage,value\nWebjs Wharf Cranes,Lead,120000\n",
      ),
    );
    const preview = texts().at(-1)!;
    expect(preview).toContain("looks like");
    expect(preview).toMatch(/Reply \*1\* to import or \*2\* to cancel/);
    expect(downloads).toBe(1);
    await send(FakeWebjsClient.message("15550000001@c.us", "1"));
    expect(texts().at(-1)).toContain("Imported");
    const rows = await d.db.tenantTx(tenantId, (tx) => tx.select().from(deals));
    expect(rows.filter((r) => r.name === "Webjs Wharf Cranes")).toHaveLength(1);
  });

  it("a file WhatsApp no longer has, and an image, get clear answers", async () => {
    await send(document("15550000001@c.us", "gone.csv", "text/csv", undefined));
    expect(texts().at(-1)).toContain("could not download");
    await send(FakeWebjsClient.message("15550000001@c.us", "", { type: "image", hasMedia: true }));
    expect(texts().at(-1)).toMatch(/can't read image messages/);
  });
});
