import type { Deps } from "../../../core/deps.js";
import {
  deferTurn,
  type InboundTurnRow,
  leaseKeeper,
  markAnswered,
  releaseTurn,
} from "../../../core/features/inbox/index.js";
import type { Dispatcher } from "../../../core/intents/dispatcher.js";
import { BoundedQueue } from "../../../core/kernel/bounded-queue.js";
import { AppError } from "../../../core/kernel/errors.js";
import type { ChatAdapter } from "../../../core/ports/chat-adapter.js";
import { WhatsappAdapter } from "../adapter.js";
import { missingCloudKeys, type WhatsappConfig } from "../config.js";
import { BUSY_TEXT, handleInbound, inboundDeps, replySettled } from "../inbound.js";
import { ActionMenu } from "../menu.js";
import { ContactPacer } from "../pacer.js";
import { toAddress } from "../phone.js";
import { KeyedSerial } from "../serial.js";
import type { InboundMessage } from "../to-intent.js";
import { GraphClient } from "./graph-client.js";
import { applyStatuses } from "./statuses.js";
import { CloudTransport } from "./transport.js";
import { cloudWebhookRoutes } from "./webhook.js";

export interface CloudWhatsapp {
  adapter: WhatsappAdapter;
  routes: ReturnType<typeof cloudWebhookRoutes>;
  /** Waits for webhook work still running after the acknowledgement. */
  drain(): Promise<void>;
  /** The bounded queue of this number's turns (gauges: `queue="whatsapp_turns"`). */
  queue: BoundedQueue;
}

/** Wires the Cloud API transport for one tenant: Graph client, adapter, inbound path and webhook routes. */
export function createCloudWhatsapp(
  deps: Deps,
  dispatcher: Dispatcher,
  c: WhatsappConfig,
  tenantId: string,
  opts: { fetch?: typeof fetch; ackBudgetMs?: number } = {},
): CloudWhatsapp {
  const missing = missingCloudKeys(c);
  if (missing.length)
    throw new AppError("config_invalid", `WHATSAPP_TRANSPORT=cloud needs ${missing.join(", ")}.`);
  const account = c.WHATSAPP_CLOUD_PHONE_NUMBER_ID!;
  const graph = new GraphClient({
    baseUrl: c.WHATSAPP_GRAPH_API_URL,
    accessToken: c.WHATSAPP_CLOUD_ACCESS_TOKEN!,
    phoneNumberId: account,
    fetch: opts.fetch,
  });
  const transport = new CloudTransport({
    deps,
    graph,
    account,
    template: c.WHATSAPP_CLOUD_TEMPLATE
      ? {
          name: c.WHATSAPP_CLOUD_TEMPLATE,
          language: c.WHATSAPP_CLOUD_TEMPLATE_LANG,
          bodyParam: c.WHATSAPP_CLOUD_TEMPLATE_BODY_PARAM,
        }
      : undefined,
  });
  const menu = new ActionMenu(deps.store, c.WHATSAPP_ACTION_TTL_MINUTES * 60_000);
  const pacer = new ContactPacer(c.WHATSAPP_PACING_MS, deps.store, deps.logger);
  const adapter = new WhatsappAdapter({ deps, transport, menu, pacer, tenantId });
  const serial = new KeyedSerial();
  const load = deps.config.load;
  const queue = new BoundedQueue("whatsapp_turns", {
    concurrency: load.turnsConcurrency ?? (deps.db.kind === "pglite" ? 16 : 256),
    maxQueued: load.turnsQueue,
    perKey: load.turnsPerUser,
  });
  deps.metrics.queues.add(queue);
  const inbound = inboundDeps(c, {
    deps,
    dispatcher,
    menu,
    tenantId,
    account,
    download: (mediaId, maxBytes) => graph.downloadMedia(mediaId, maxBytes),
  });
  const log = deps.logger.child({ channel: "whatsapp", transport: "cloud" });
  /**
   * One message of the inbox: handled (idempotent by message id), then answered once its reply is
   * delivered by the outbox; while the reply waits (Graph down, held outside the 24-hour window) the
   * turn stays pending and the sweep looks again later.
   */
  const answer = async (m: InboundMessage, turn?: InboundTurnRow): Promise<void> => {
    if (!turn) {
      await handleInbound(inbound, m);
      return;
    }
    await leaseKeeper(deps).hold(async () => {
      try {
        await handleInbound(inbound, m, { attempt: turn.attempts });
        if (await replySettled(deps, tenantId, m)) await markAnswered(deps, turn.id);
        else await releaseTurn(deps, turn.id, "whatsapp:reply-not-delivered-yet", 60_000);
      } catch (err) {
        await releaseTurn(deps, turn.id, `whatsapp:${(err as Error)?.name ?? "error"}`).catch(() => {});
        throw err;
      }
    });
  };
  // The recovery sweep hands back messages whose worker died or that were shed (in order per
  // contact); it takes no more than the queue has room for.
  (adapter as ChatAdapter).resumeTurn = async (turn) => {
    const p = turn.payload as unknown as InboundMessage & { at: string };
    const m: InboundMessage = { ...p, at: new Date(p.at) };
    void serial
      .run(m.from, () => queue.run(() => answer(m, turn)))
      .catch((err) => log.error({ err, turnId: turn.id }, "whatsapp turn resume failed"));
  };
  (adapter as ChatAdapter).resumeRoom = () => queue.room();
  /**
   * A message that found the queue full: kept pending in the inbox for the sweep (never dropped), and
   * the contact hears "busy, queued" at once — at most once a minute per contact across replicas.
   * Sent straight through the transport: the contact has just written, so the 24-hour window is open.
   */
  const shed = async (m: InboundMessage, turn: InboundTurnRow): Promise<void> => {
    deps.metrics.queueShed.inc({ queue: "whatsapp_turns" });
    log.warn(
      { turnId: turn.id, inFlight: queue.inFlight, queued: queue.depth },
      "whatsapp turn shed: queue full; the inbox answers it later",
    );
    await deferTurn(deps, turn.id, load.shedRetryMs).catch((err) =>
      log.error({ err, turnId: turn.id }, "shed turn not deferred; its lease will hand it over"),
    );
    const to = toAddress(m.from);
    const first = await deps.store
      .set(`whatsapp:busy:${account}:${m.from}`, "1", { nx: true, ttlMs: 60_000 })
      .catch(() => true);
    if (!to || !first) return;
    await pacer.wait(to);
    await transport
      .sendText(to, BUSY_TEXT)
      .catch((err) => log.warn({ err, turnId: turn.id }, "whatsapp busy notice not sent"));
  };
  const routes = cloudWebhookRoutes({
    deps,
    verifyToken: c.WHATSAPP_CLOUD_VERIFY_TOKEN!,
    appSecret: c.WHATSAPP_CLOUD_APP_SECRET!,
    account,
    serial,
    ackBudgetMs: opts.ackBudgetMs,
    onMessage: (m, turn) => answer(m, turn),
    admit: (m) => queue.reserve(m.from),
    onShed: shed,
    onStatuses: (s) => applyStatuses(deps, tenantId, s),
  });
  return { adapter, routes, drain: () => serial.drain(), queue };
}
