import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { WhatsappAdapter } from "../../src/bots/whatsapp/adapter.js";
import { ActionMenu } from "../../src/bots/whatsapp/menu.js";
import { ContactPacer } from "../../src/bots/whatsapp/pacer.js";
import { whatsappToIntent } from "../../src/bots/whatsapp/to-intent.js";
import { Supervisor } from "../../src/bots/whatsapp/webjs/supervisor.js";
import {
  type WebjsClientLike,
  WebjsTransport,
  webjsCapabilities,
  webjsToInbound,
} from "../../src/bots/whatsapp/webjs/transport.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";
import { FakeWebjsClient } from "../unit/whatsapp/fake-webjs-client.js";
import { runChannelContract } from "./channel-contract.js";

let depsP: Promise<TestDeps> | undefined;
afterAll(async () => (await depsP)?.cleanup());
const CONTACT = "+15550000001";

runChannelContract(async () => {
  depsP ??= createTestDeps();
  const deps = await depsP;
  const tenantId = randomUUID();
  const client = new FakeWebjsClient();
  const supervisor = new Supervisor<WebjsClientLike>({
    createClient: () => client,
    logger: deps.logger,
    maxRestartsPerHour: 3,
    onHalt: () => {},
  });
  await supervisor.start();
  client.emit("ready");
  const menu = new ActionMenu(deps.store, 60_000);
  const transport = new WebjsTransport({ clientId: "keel", supervisor, makeMedia: (m, d) => ({ m, d }) });
  const adapter = new WhatsappAdapter({ deps, transport, menu, pacer: new ContactPacer(0), tenantId });
  let choices: { label: string; answer: string }[] = [];
  return {
    name: "whatsapp-web.js",
    capabilities: webjsCapabilities,
    render: async (reply) => {
      const from = client.sent.length;
      const res = await adapter.send({ channel: "whatsapp", address: CONTACT }, reply);
      // The numbers a user types: the rendered menu, read back from what the client sent.
      choices = (reply.actions ?? []).map((a, i) => ({ label: a.label, answer: String(i + 1) }));
      const messages = client.sent.slice(from).map((s) => ({ text: String(s.content) }));
      return { messages, choices, warnings: res.warnings };
    },
    choose: async (answer) => {
      // Through the inbound path: a whatsapp-web.js `message` event from the same contact.
      const m = await webjsToInbound(
        FakeWebjsClient.message("15550000001@c.us", String(answer)),
        transport.account,
        client,
      );
      if (!m || m.content.type !== "text") return null;
      return whatsappToIntent(m.content, {
        menu: await menu.current(tenantId, m.from),
        awaitingEditFor: await menu.pendingEdit(tenantId, m.from),
      });
    },
  };
});
