import type { Starter } from "../../starter.js";
import { createCloudWhatsapp } from "./cloud/setup.js";
import { ensureWhatsappLink } from "./link.js";
import { realClientFactory } from "./webjs/client.js";
import { createWebjsWhatsapp } from "./webjs/setup.js";

/**
 * `keel start` wiring (one line in src/starters.ts). Off unless WHATSAPP_TRANSPORT is set. Links the
 * business account to WHATSAPP_TENANT, registers the adapter for outbox delivery, mounts the routes.
 */
export const whatsappStarter: Starter = async (keel, mount) => {
  const { deps, dispatcher } = keel;
  const c = deps.config.whatsapp;
  if (!c.WHATSAPP_TRANSPORT) return undefined;
  const log = deps.logger.child({ channel: "whatsapp", transport: c.WHATSAPP_TRANSPORT });
  if (c.WHATSAPP_TRANSPORT === "cloud") {
    const tenantId = await ensureWhatsappLink(
      deps,
      c.WHATSAPP_TENANT,
      c.WHATSAPP_CLOUD_PHONE_NUMBER_ID ?? "",
    );
    const wa = createCloudWhatsapp(deps, dispatcher, c, tenantId);
    deps.channels.set("whatsapp", wa.adapter);
    mount((app) => app.route("/", wa.routes));
    log.info("whatsapp cloud api webhook mounted at /whatsapp/webhook");
    return () => wa.drain();
  }
  log.warn(
    "whatsapp-web.js transport enabled: unofficial, against WhatsApp's terms of service (see docs/whatsapp.md)",
  );
  const tenantId = await ensureWhatsappLink(deps, c.WHATSAPP_TENANT, `webjs:${c.WHATSAPP_WEBJS_CLIENT_ID}`);
  const factory = await realClientFactory(deps, tenantId, c);
  const wa = createWebjsWhatsapp(deps, dispatcher, c, tenantId, {
    createClient: () => factory.create(),
    makeMedia: factory.makeMedia,
    // One browser session across replicas: the lease holder runs it, the others leave its sends to it.
    lease: { ttlMs: c.WHATSAPP_WEBJS_LEASE_MS },
  });
  deps.channels.set("whatsapp", wa.adapter);
  mount((app) => app.route("/", wa.routes));
  await wa.start();
  return async () => {
    await wa.stop();
    await wa.drain();
  };
};
