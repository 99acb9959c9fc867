import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { WhatsappAdapter } from "../../src/bots/whatsapp/adapter.js";
import { GraphClient } from "../../src/bots/whatsapp/cloud/graph-client.js";
import { parseWebhook } from "../../src/bots/whatsapp/cloud/payload.js";
import { CloudTransport, cloudCapabilities } from "../../src/bots/whatsapp/cloud/transport.js";
import { recordInbound } from "../../src/bots/whatsapp/contacts.js";
import { ActionMenu } from "../../src/bots/whatsapp/menu.js";
import { ContactPacer } from "../../src/bots/whatsapp/pacer.js";
import { whatsappToIntent } from "../../src/bots/whatsapp/to-intent.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";
import { type FakeGraphApi, startFakeGraphApi } from "../support/fake-graph-api.js";
import { runChannelContract } from "./channel-contract.js";

const PNID = "106540352242922";
const CONTACT = "+15550000001";
let env: Promise<{ deps: TestDeps; graph: FakeGraphApi }> | undefined;
afterAll(async () => {
  const e = await env;
  await e?.graph.close();
  await e?.deps.cleanup();
});

type Sent = {
  type: string;
  text?: { body: string };
  interactive?: { body: { text: string }; action: { buttons: { reply: { id: string; title: string } }[] } };
};

/** A button press as the Cloud API webhook delivers it. */
const press = (id: string) => ({
  object: "whatsapp_business_account",
  entry: [
    {
      id: "1",
      changes: [
        {
          field: "messages",
          value: {
            metadata: { phone_number_id: PNID },
            messages: [
              {
                from: "15550000001",
                id: `wamid.${randomUUID()}`,
                timestamp: "1767261600",
                type: "interactive",
                interactive: { type: "button_reply", button_reply: { id, title: "?" } },
              },
            ],
          },
        },
      ],
    },
  ],
});

runChannelContract(async () => {
  env ??= (async () => ({
    deps: await createTestDeps(),
    graph: await startFakeGraphApi({ accessToken: "tok", phoneNumberId: PNID }),
  }))();
  const { deps, graph } = await env;
  const tenantId = randomUUID();
  await deps.db.tenantTx(tenantId, (tx) =>
    recordInbound(tx, { tenantId, account: PNID, contact: CONTACT, at: deps.clock.now() }),
  );
  const menu = new ActionMenu(deps.store, 60_000);
  const transport = new CloudTransport({
    deps,
    account: PNID,
    graph: new GraphClient({ baseUrl: graph.url, accessToken: "tok", phoneNumberId: PNID }),
  });
  const adapter = new WhatsappAdapter({ deps, transport, menu, pacer: new ContactPacer(0), tenantId });
  return {
    name: "whatsapp cloud api",
    capabilities: cloudCapabilities,
    render: async (reply) => {
      const from = graph.messages().length;
      const res = await adapter.send({ channel: "whatsapp", address: CONTACT }, reply);
      const sent = graph.messages().slice(from) as unknown as Sent[];
      const messages = sent.map((m) => ({ text: m.text?.body ?? m.interactive?.body.text ?? "" }));
      const choices = sent.flatMap(
        (m) => m.interactive?.action.buttons.map((b) => ({ label: b.reply.title, answer: b.reply.id })) ?? [],
      );
      return { messages, choices, warnings: res.warnings };
    },
    choose: async (answer) => {
      const [m] = parseWebhook(press(String(answer)))!.messages;
      if (!m || m.content.type !== "button") return null;
      return whatsappToIntent(m.content, {
        menu: await menu.current(tenantId, m.from),
        button: await menu.byRef(tenantId, m.from, m.content.ref),
      });
    },
  };
});
