/**
 * One "replica" of the whatsapp-web.js singleton for the lease tests: the real webjs wiring
 * (supervisor, transport, adapter, lease in Postgres) around a stand-in client that is ready as soon
 * as it is initialised, plus an outbox dispatcher every 200 ms. Prints one JSON line per event:
 * `ready`, `gain` {token}, `lose` {reason}, `sent` {chatId, text}. Runs until killed.
 *
 *   node --import tsx test/support/lease-worker.ts   (env: DATABASE_URL, LEASE_TTL_MS, LEASE_HOLDER, WHATSAPP_TENANT)
 */
import { ensureWhatsappLink } from "../../src/bots/whatsapp/link.js";
import { createWebjsWhatsapp } from "../../src/bots/whatsapp/webjs/setup.js";
import { loadConfig } from "../../src/config.js";
import { createDeps } from "../../src/core/deps.js";
import { deliverDue } from "../../src/core/features/outbox/index.js";
import { FakeWebjsClient } from "../unit/whatsapp/fake-webjs-client.js";

const out = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const config = loadConfig({
  ...process.env,
  LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? "silent",
  WHATSAPP_TRANSPORT: "webjs",
  WHATSAPP_PACING_MS: "0",
});
const deps = await createDeps(config, { migrate: false });
const tenantId = await ensureWhatsappLink(deps, config.whatsapp.WHATSAPP_TENANT, "webjs:keel");
const holder = process.env.LEASE_HOLDER ?? `worker-${process.pid}`;

/** Ready right after initialize, like a restored session; every send is reported. */
class ReadyClient extends FakeWebjsClient {
  override async initialize() {
    await super.initialize();
    setImmediate(() => this.emit("ready"));
  }
  override async sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>) {
    const r = await super.sendMessage(chatId, content, options);
    out({ event: "sent", chatId, text: typeof content === "string" ? content : "" });
    return r;
  }
}

const dispatcher = { dispatch: async () => ({ text: "" }), handles: () => false };
const wa = createWebjsWhatsapp(deps, dispatcher, config.whatsapp, tenantId, {
  createClient: () => new ReadyClient(),
  makeMedia: () => ({}),
  print: null,
  lease: { ttlMs: Number(process.env.LEASE_TTL_MS ?? 1500), holder },
});
deps.channels.set("whatsapp", wa.adapter);
const origGain = wa.lease!;
let wasHeld = false;
setInterval(() => {
  const held = origGain.held;
  if (held !== wasHeld) out(held ? { event: "gain", token: origGain.token } : { event: "lose" });
  wasHeld = held;
}, 20).unref();
await wa.start();
out({ event: "ready", holder });
setInterval(() => {
  void deliverDue(deps, deps.channels, tenantId).catch((err) => out({ event: "error", err: String(err) }));
}, 200);
