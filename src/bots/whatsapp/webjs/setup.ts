import type { Deps } from "../../../core/deps.js";
import { LeaseKeeper } from "../../../core/features/leases/index.js";
import type { Dispatcher } from "../../../core/intents/dispatcher.js";
import { WhatsappAdapter } from "../adapter.js";
import { alertOwners } from "../alert.js";
import type { WhatsappConfig } from "../config.js";
import { handleInbound, inboundDeps } from "../inbound.js";
import { ActionMenu } from "../menu.js";
import { ContactPacer } from "../pacer.js";
import { KeyedSerial } from "../serial.js";
import { qrAscii, qrRoutes } from "./qr-routes.js";
import { disconnectWhy } from "./states.js";
import { Supervisor } from "./supervisor.js";
import { type WebjsClientLike, type WebjsMessageLike, WebjsTransport, webjsToInbound } from "./transport.js";

export interface WebjsWhatsapp {
  adapter: WhatsappAdapter;
  supervisor: Supervisor<WebjsClientLike>;
  routes: ReturnType<typeof qrRoutes>;
  /** The singleton lease, when several replicas may run (see WebjsSetupOptions.lease). */
  lease?: LeaseKeeper;
  /** Starts the browser — on this replica only once it holds the lease, when there is one. */
  start(): Promise<void>;
  /** Stops the browser and gives the lease up, so another replica takes over at once. */
  stop(): Promise<void>;
  drain(): Promise<void>;
}

export interface WebjsSetupOptions {
  createClient(): Promise<WebjsClientLike> | WebjsClientLike;
  makeMedia(mimetype: string, base64: string, filename: string): unknown;
  /** Where the QR code is printed (stdout by default); null to not print. */
  print?: ((s: string) => void) | null;
  baseDelayMs?: number;
  /**
   * Run the browser on one replica only: a lease in Postgres (`singleton_leases`) taken over within
   * ttlMs + renewMs after the holder dies; sends are fenced by its token. Omitted: this process alone.
   */
  lease?: { ttlMs: number; renewMs?: number; holder?: string; now?: () => number };
}

/** The owner alert when the supervisor stopped for good (ban, outdated Web version, restart cap). */
export function haltText(reason: string): string {
  return (
    `WhatsApp Web stopped and needs attention: ${disconnectWhy(reason)} (${reason}). Keel stopped sending ` +
    "WhatsApp messages; check the server log, then POST /whatsapp/relink and scan the new QR code."
  );
}

/** The owner alert when whatsapp-web.js deleted the session: what happened and how to scan again. */
export function sessionLostText(reason: string): string {
  const hint =
    reason === "CONFLICT"
      ? " Run only one Keel replica with WhatsApp Web; WHATSAPP_WEBJS_TAKEOVER=true takes the session back automatically."
      : "";
  return (
    `WhatsApp Web lost its session: ${disconnectWhy(reason)} (${reason}). WhatsApp messages are held until someone scans ` +
    `the new QR code in WhatsApp → Linked devices (GET /whatsapp/qr with the API token, or Keel's terminal).${hint}`
  );
}

/** Wires the whatsapp-web.js transport for one tenant: supervisor, adapter, inbound path and QR routes. */
export function createWebjsWhatsapp(
  deps: Deps,
  dispatcher: Dispatcher,
  c: WhatsappConfig,
  tenantId: string,
  o: WebjsSetupOptions,
): WebjsWhatsapp {
  const log = deps.logger.child({ channel: "whatsapp", transport: "webjs" });
  const account = `webjs:${c.WHATSAPP_WEBJS_CLIENT_ID}`;
  const menu = new ActionMenu(deps.store, c.WHATSAPP_ACTION_TTL_MINUTES * 60_000);
  const serial = new KeyedSerial();
  const inbound = inboundDeps(c, { deps, dispatcher, menu, tenantId, account });
  const print = o.print === undefined ? (s: string) => process.stdout.write(s) : o.print;
  const supervisor: Supervisor<WebjsClientLike> = new Supervisor<WebjsClientLike>({
    createClient: o.createClient,
    logger: log,
    maxRestartsPerHour: c.WHATSAPP_RESTARTS_PER_HOUR,
    baseDelayMs: o.baseDelayMs,
    onQr: (qr) => {
      log.info("whatsapp login QR code issued");
      if (print && c.WHATSAPP_QR_TERMINAL)
        void qrAscii(qr).then((a) =>
          print(`\nScan this QR code with WhatsApp (Linked devices) to connect Keel:\n${a}\n`),
        );
    },
    wire: (client) => {
      client.on("message", (msg: WebjsMessageLike) => {
        void serial
          .run(msg.from, async () => {
            const m = await webjsToInbound(msg, account, client);
            if (m) await handleInbound(inbound, m);
          })
          .catch((err) => log.error({ err }, "whatsapp message failed"));
      });
    },
    onSessionLost: async (reason) => {
      await alertOwners(
        deps,
        tenantId,
        `session_lost_${reason.toLowerCase()}`,
        sessionLostText(reason),
      ).catch((err) => log.error({ err }, "whatsapp alert failed"));
    },
    onHalt: async (reason) => {
      await alertOwners(deps, tenantId, reason.toLowerCase(), haltText(reason)).catch((err) =>
        log.error({ err }, "whatsapp alert failed"),
      );
    },
  });
  const lease = o.lease
    ? new LeaseKeeper({
        deps,
        name: `whatsapp-webjs:${c.WHATSAPP_WEBJS_CLIENT_ID}`,
        ttlMs: o.lease.ttlMs,
        renewMs: o.lease.renewMs,
        holder: o.lease.holder,
        now: o.lease.now,
        logger: log,
        onGain: (token) => {
          log.info({ token }, "this replica runs WhatsApp Web (lease acquired)");
          return supervisor.start();
        },
        onLose: (reason) => {
          log.warn({ reason }, "this replica stopped WhatsApp Web (lease lost)");
          return supervisor.stop();
        },
      })
    : undefined;
  const transport = new WebjsTransport({
    clientId: c.WHATSAPP_WEBJS_CLIENT_ID,
    supervisor,
    makeMedia: o.makeMedia,
    logger: log,
    lease,
  });
  const adapter = new WhatsappAdapter({
    deps,
    transport,
    menu,
    pacer: new ContactPacer(c.WHATSAPP_PACING_MS, deps.store, deps.logger),
    tenantId,
  });
  const routes = qrRoutes({
    apiToken: deps.config.http.apiToken,
    status: () => ({
      state: lease && !lease.held ? "standby" : supervisor.state,
      qr: supervisor.lastQr,
      haltReason: supervisor.haltReason,
      lostReason: supervisor.lostReason,
    }),
    relink: () => supervisor.start(),
  });
  return {
    adapter,
    supervisor,
    routes,
    lease,
    start: () => (lease ? lease.start() : supervisor.start()),
    stop: async () => {
      if (lease) await lease.stop();
      await supervisor.stop();
    },
    drain: () => serial.drain(),
  };
}
