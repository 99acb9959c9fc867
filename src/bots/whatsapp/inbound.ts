import { and, eq } from "drizzle-orm";
import type { Deps } from "../../core/deps.js";
import { MAX_FILE_BYTES, previewChatFile } from "../../core/features/file-import/index.js";
import { continueChatSetup, setupInProgress, startChatSetup } from "../../core/features/onboarding/index.js";
import { deliverSoon, enqueue } from "../../core/features/outbox/index.js";
import { actorForIdentity, tenantForChannel } from "../../core/features/tenancy/index.js";
import { idempotencyKeys, outbox } from "../../core/infra/db/schema/index.js";
import { span } from "../../core/infra/telemetry/trace.js";
import type { Dispatcher } from "../../core/intents/dispatcher.js";
import { type Intent, makeIntent } from "../../core/intents/intent.js";
import { repaired, type TextRepairs, wellFormed } from "../../core/kernel/text.js";
import type { Reply } from "../../core/ports/reply.js";
import { allowlist, type WhatsappConfig } from "./config.js";
import { recordInbound } from "./contacts.js";
import type { ActionMenu } from "./menu.js";
import { type InboundMessage, whatsappToIntent } from "./to-intent.js";

export const REFUSAL_TEXT =
  "Hi! This is a private business assistant and it does not recognise your number, so I can't help here. " +
  "If you work with this business, ask its owner to add your WhatsApp number in Keel.";

/** Said at once when the queue of turns is full; the message stays in the inbox and is answered later. */
export const BUSY_TEXT = "I'm busy right now — your message is queued and I'll answer it shortly.";

export type InboundOutcome =
  | { status: "ignored"; reason: string }
  | { status: "duplicate" }
  | { status: "refused" }
  /** A step of the guided set-up (unknown number, WHATSAPP_SELF_SETUP on). */
  | { status: "setup" }
  /** A file was previewed as an import (or answered with what Keel can read). */
  | { status: "file" }
  | { status: "handled"; kind: Intent["kind"] };

export interface InboundDeps {
  deps: Deps;
  dispatcher: Dispatcher;
  menu: ActionMenu;
  /** The tenant that owns this business account (resolved once through channel links). */
  tenantId: string;
  account: string;
  /** Empty = every number that is linked to a user of the tenant. */
  allowlist: Set<string>;
  /** WHATSAPP_SELF_SETUP: an unknown number gets the guided company set-up instead of a refusal. */
  selfSetup?: boolean;
  /** Downloads a Cloud API media id (a document sent to Keel). */
  download?: (mediaId: string, maxBytes: number) => Promise<Uint8Array>;
}

/**
 * The inbound path's dependencies for one business account, both transports alike: who may write
 * (WHATSAPP_ALLOWLIST) and what a stranger gets (WHATSAPP_SELF_SETUP) are read from the config here.
 */
export function inboundDeps(
  c: WhatsappConfig,
  o: Pick<InboundDeps, "deps" | "dispatcher" | "menu" | "tenantId" | "account" | "download">,
): InboundDeps {
  return { ...o, allowlist: allowlist(c), selfSetup: c.WHATSAPP_SELF_SETUP };
}

/**
 * The one inbound path of both transports: business account → tenant, number → user (or a polite
 * refusal and nothing else), message id de-duplication, intent, dispatch, and the reply through the
 * outbox. The message id is recorded in the same transaction that enqueues the reply, so a retried
 * webhook or a re-emitted event produces one reply.
 */
export function handleInbound(
  d: InboundDeps,
  raw: InboundMessage,
  opts: { attempt?: number } = {},
): Promise<InboundOutcome> {
  const attributes = {
    "keel.channel": "whatsapp",
    "keel.whatsapp.message_type": raw.content.type,
    "keel.turn.attempt": opts.attempt ?? 1,
  };
  return span("whatsapp.turn", { attributes }, async (s) => {
    const outcome = await inbound(d, raw, opts);
    s.setAttributes({ "keel.turn.outcome": outcome.status });
    return outcome;
  });
}

async function inbound(
  d: InboundDeps,
  raw: InboundMessage,
  opts: { attempt?: number },
): Promise<InboundOutcome> {
  const { deps } = d;
  const msg = storable(raw);
  // A number set up through self-service talks to its own company; the channel's bookkeeping (message
  // ids, the 24-hour window, the outbox, numbered menus) stays with the business number's tenant.
  const home = d.selfSetup ? await tenantForChannel(deps.db, "whatsapp-contact", msg.from) : null;
  const tenantId = home ?? d.tenantId;
  const log = deps.logger.child({ channel: "whatsapp", tenantId, messageType: msg.content.type });
  if (msg !== raw) log.warn({ messageId: raw.messageId, ...msg.repairs }, "whatsapp message text repaired");
  if (msg.account !== d.account) return { status: "ignored", reason: "not our business number" };
  const key = `whatsapp:${msg.account}:${msg.messageId}`;
  const seen = await deps.db.tenantTx(d.tenantId, (tx) =>
    tx
      .select({ key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.key, key)))
      .limit(1),
  );
  if (seen.length) {
    log.info({ duplicate: true }, "whatsapp message already handled");
    return { status: "duplicate" };
  }
  const actor =
    d.allowlist.size === 0 || d.allowlist.has(msg.from)
      ? await actorForIdentity(deps.db, tenantId, "whatsapp", msg.from)
      : undefined;
  if (!actor && d.selfSetup && !home) {
    const reply = await selfSetupTurn(deps, msg);
    await commit(d, msg, key, reply, `whatsapp:reply:${msg.account}:${msg.messageId}`, "setup");
    await deliverSoon(deps, deps.channels, d.tenantId);
    return { status: "setup" };
  }
  if (!actor) {
    log.warn("whatsapp message from an unknown number refused");
    // One refusal per number per day: a stranger cannot make the bot talk (or spend) in a loop.
    const day = deps.clock.now().toISOString().slice(0, 10);
    await commit(d, msg, key, { text: REFUSAL_TEXT }, `whatsapp:refusal:${msg.from}:${day}`, "refused");
    await deliverSoon(deps, deps.channels, d.tenantId);
    return { status: "refused" };
  }
  if (msg.content.type === "document") {
    const c = msg.content;
    const reply = await previewChatFile(
      deps,
      actor,
      { name: c.fileName, mimeType: c.mimeType, size: c.size },
      () =>
        c.load
          ? c.load()
          : c.mediaId && d.download
            ? d.download(c.mediaId, MAX_FILE_BYTES)
            : Promise.reject(new Error("no way to download this file")),
    );
    await commit(d, msg, key, reply, `whatsapp:reply:${msg.account}:${msg.messageId}`, "file");
    await deliverSoon(deps, deps.channels, d.tenantId);
    log.info("whatsapp file handled");
    return { status: "file" };
  }
  const [menu, button, awaitingEditFor] = await Promise.all([
    d.menu.current(d.tenantId, msg.from),
    msg.content.type === "button"
      ? d.menu.byRef(d.tenantId, msg.from, msg.content.ref)
      : Promise.resolve(undefined),
    d.menu.pendingEdit(d.tenantId, msg.from),
  ]);
  const args = whatsappToIntent(msg.content, { menu, button, awaitingEditFor });
  const intent = makeIntent(
    args,
    { tenantId, userId: actor.userId, channel: "whatsapp", conversationId: msg.from },
    key,
  );
  let reply = await d.dispatcher.dispatch(intent);
  // A turn taken over from a worker that died mid-dispatch: that worker will never enqueue the
  // reply, so ask again under this attempt's own key.
  if (reply.outcome?.kind === "duplicate" && (opts.attempt ?? 1) > 1)
    reply = await d.dispatcher.dispatch({ ...intent, idempotencyKey: `${key}:attempt-${opts.attempt}` });
  // Another delivery of this message id is still being worked on: it will enqueue the real reply.
  if (reply.outcome?.kind === "duplicate") return { status: "duplicate" };
  await d.menu.awaitEdit(
    d.tenantId,
    msg.from,
    reply.outcome?.kind === "awaiting-edit" ? reply.outcome.draftId : undefined,
  );
  await commit(d, msg, key, reply, `whatsapp:reply:${msg.account}:${msg.messageId}`, intent.kind);
  await deliverSoon(deps, deps.channels, d.tenantId);
  log.info({ kind: intent.kind }, "whatsapp message handled");
  return { status: "handled", kind: intent.kind };
}

/** One step of the guided set-up for an unknown number; text answers only. */
async function selfSetupTurn(deps: Deps, msg: InboundMessage): Promise<Reply> {
  const origin = { channel: "whatsapp" as const, address: msg.from, externalId: msg.from };
  const text = msg.content.type === "text" ? msg.content.text : "";
  if (!text.trim()) {
    if (await setupInProgress(deps, origin))
      return { text: 'Please answer with text; reply "cancel" to stop the set-up.' };
    return startChatSetup(deps, origin);
  }
  return (await continueChatSetup(deps, origin, text)) ?? startChatSetup(deps, origin);
}

/** Both transports: text with NUL or lone surrogates made storable (kernel wellFormed); ids and counts logged only. */
function storable(m: InboundMessage): InboundMessage & { repairs?: TextRepairs } {
  const repairs: TextRepairs = { nul: 0, loneSurrogates: 0 };
  const c = m.content;
  const content =
    c.type === "text"
      ? { ...c, text: wellFormed(c.text, repairs) }
      : c.type === "button"
        ? {
            ...c,
            ref: wellFormed(c.ref, repairs),
            ...(c.title === undefined ? {} : { title: wellFormed(c.title, repairs) }),
          }
        : c;
  return repaired(repairs) ? { ...m, messageId: wellFormed(m.messageId), content, repairs } : m;
}

/** Records the message id, the contact's window and the reply in one transaction; a lost race enqueues nothing. */
async function commit(
  d: InboundDeps,
  msg: InboundMessage,
  key: string,
  reply: Reply,
  dedupeKey: string,
  scope: string,
) {
  const { deps, tenantId } = d;
  await deps.db.tenantTx(tenantId, async (tx) => {
    const fresh = await tx
      .insert(idempotencyKeys)
      .values({ tenantId, key, scope: `whatsapp:${scope}` })
      .onConflictDoNothing()
      .returning();
    if (!fresh.length) return;
    await recordInbound(tx, { tenantId, account: msg.account, contact: msg.from, at: msg.at });
    const { ephemeral: _e, ...payload } = reply;
    await enqueue(
      tx,
      { tenantId, dedupeKey, target: { channel: "whatsapp", address: msg.from }, payload },
      deps.clock.now(),
    );
  });
}

/**
 * Whether the reply to a message is settled: delivered (or dead — the owner was alerted), or there is
 * none to wait for. A reply still in the outbox (retrying, held) is not.
 */
export async function replySettled(deps: Deps, tenantId: string, msg: InboundMessage): Promise<boolean> {
  const [row] = await deps.db.tenantTx(tenantId, (tx) =>
    tx
      .select({ status: outbox.status })
      .from(outbox)
      .where(eq(outbox.dedupeKey, `whatsapp:reply:${msg.account}:${msg.messageId}`)),
  );
  return !row || row.status === "sent" || row.status === "dead";
}
