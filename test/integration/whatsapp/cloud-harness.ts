import { type CloudWhatsapp, createCloudWhatsapp } from "../../../src/bots/whatsapp/cloud/setup.js";
import { signBody } from "../../../src/bots/whatsapp/cloud/signature.js";
import { ensureWhatsappLink } from "../../../src/bots/whatsapp/link.js";
import { loadConfig } from "../../../src/config.js";
import type { Logger } from "../../../src/core/infra/logger.js";
import { createDispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Clock } from "../../../src/core/ports/clock.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createHttpApp } from "../../../src/http/app.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";
import { type FakeGraphApi, startFakeGraphApi } from "../../support/fake-graph-api.js";

export const PNID = "106540352242922";
export const TOKEN = "EAAG-test-access-token";
export const APP_SECRET = "test-app-secret-0123456789";
export const VERIFY = "verify-me-please";

export interface CloudHarness {
  d: TestDeps;
  graph: FakeGraphApi;
  wa: CloudWhatsapp;
  tenantId: string;
  app: ReturnType<typeof createHttpApp>;
  /** POSTs a webhook body signed with the app secret (or the given signature) and waits for its work. */
  post(body: unknown, signature?: string | null): Promise<Response>;
  close(): Promise<void>;
}

/** Demo company + Cloud API transport on the real hono app, Graph API replaced by a local server. */
export async function cloudHarness(
  env: Record<string, string> = {},
  clock?: Clock,
  opts: { logger?: Logger; accessToken?: string; depsEnv?: Record<string, string> } = {},
): Promise<CloudHarness> {
  const accessToken = opts.accessToken ?? TOKEN;
  const graph = await startFakeGraphApi({ accessToken, phoneNumberId: PNID });
  const d = await createTestDeps(opts.depsEnv ?? {}, {
    ...(clock ? { clock } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  await loadDemo(d);
  const c = loadConfig({
    WHATSAPP_TRANSPORT: "cloud",
    WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY,
    WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
    WHATSAPP_CLOUD_ACCESS_TOKEN: accessToken,
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: PNID,
    WHATSAPP_GRAPH_API_URL: graph.url,
    WHATSAPP_PACING_MS: "0",
    ...env,
  }).whatsapp;
  const tenantId = await ensureWhatsappLink(d, "demo", PNID);
  const wa = createCloudWhatsapp(d, createDispatcher(d, registry), c, tenantId);
  d.channels.set("whatsapp", wa.adapter);
  const app = createHttpApp(d, [(a) => a.route("/", wa.routes)]);
  return {
    d,
    graph,
    wa,
    tenantId,
    app,
    async post(body, signature) {
      const raw = JSON.stringify(body);
      const headers: Record<string, string> = { "content-type": "application/json" };
      const sig = signature === undefined ? signBody(raw, APP_SECRET) : signature;
      if (sig !== null) headers["x-hub-signature-256"] = sig;
      const res = await app.request("/whatsapp/webhook", { method: "POST", body: raw, headers });
      await wa.drain();
      return res;
    },
    async close() {
      await wa.drain();
      await graph.close();
      await d.cleanup();
    },
  };
}

let seq = 0;
const nowSec = () => String(Math.floor(Date.now() / 1000));

/** A `messages` webhook exactly as the Cloud API sends it (one change, one message). */
export function inbound(from: string, message: Record<string, unknown>, phoneNumberId = PNID) {
  const digits = from.replace(/\D/g, "");
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: "Test User" }, wa_id: digits }],
              messages: [
                { from: digits, id: `wamid.HBgL${++seq}${Date.now()}`, timestamp: nowSec(), ...message },
              ],
            },
          },
        ],
      },
    ],
  };
}

export const text = (from: string, body: string, pnid?: string) =>
  inbound(from, { type: "text", text: { body } }, pnid);
export const buttonReply = (from: string, id: string, title: string) =>
  inbound(from, { type: "interactive", interactive: { type: "button_reply", button_reply: { id, title } } });

/** A `statuses` webhook for one outbound message. */
export function status(
  wamid: string,
  s: "sent" | "delivered" | "read" | "failed",
  recipient = "15550000001",
) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: PNID },
              statuses: [
                {
                  id: wamid,
                  status: s,
                  timestamp: nowSec(),
                  recipient_id: recipient,
                  ...(s === "failed" ? { errors: [{ code: 131026, title: "Message undeliverable" }] } : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  };
}
