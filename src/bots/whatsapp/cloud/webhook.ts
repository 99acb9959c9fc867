import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Deps } from "../../../core/deps.js";
import { type InboundTurnRow, receiveTurn } from "../../../core/features/inbox/index.js";
import type { Reservation } from "../../../core/kernel/bounded-queue.js";
import { repaired, type TextRepairs, wellFormedDeep } from "../../../core/kernel/text.js";
import type { AppEnv } from "../../../http/app.js";
import type { InboundMessage } from "../to-intent.js";
import { parseWebhook, type StatusUpdate } from "./payload.js";
import { verifySignature } from "./signature.js";

export const WEBHOOK_PATH = "/whatsapp/webhook";

export interface CloudWebhookOptions {
  deps: Deps;
  verifyToken: string;
  appSecret: string;
  /** Our phone number id; webhooks for other numbers are acknowledged and ignored. */
  account: string;
  /** Handles one message; `turn` is its inbox record (answered once the reply is delivered). */
  onMessage(m: InboundMessage, turn?: InboundTurnRow): Promise<unknown>;
  onStatuses(s: StatusUpdate[]): Promise<unknown>;
  /** Wait at most this long for the work before acknowledging (default 0: ack at once, work in the background). */
  ackBudgetMs?: number;
  /**
   * Record each message in the inbox before the ack (default true): a crash after the ack then
   * loses nothing — the recovery sweep answers it.
   */
  inbox?: boolean;
  /**
   * A place in the bounded queue of turns for this contact's message, or null when it is full; then
   * `onShed` runs instead of `onMessage` (the turn stays in the inbox). Only recorded turns are shed.
   */
  admit?(m: InboundMessage): Reservation | null;
  onShed?(m: InboundMessage, turn: InboundTurnRow): Promise<unknown>;
  /** Runs work for one contact in order; the default runs it directly. */
  serial?: { run<T>(key: string, task: () => Promise<T>): Promise<T> };
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The Cloud API webhook: GET is Meta's verification handshake (hub.verify_token → hub.challenge);
 * POST checks X-Hub-Signature-256 over the raw body before anything is parsed, then hands messages
 * and statuses on. Only signed requests cause work.
 */
export function cloudWebhookRoutes(o: CloudWebhookOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const log = o.deps.logger.child({ channel: "whatsapp", transport: "cloud" });
  app.get(WEBHOOK_PATH, (c) => {
    const mode = c.req.query("hub.mode");
    const token = c.req.query("hub.verify_token") ?? "";
    const challenge = c.req.query("hub.challenge") ?? "";
    if (mode === "subscribe" && sameText(token, o.verifyToken)) return c.text(challenge, 200);
    log.warn("whatsapp webhook verification refused");
    return c.text("Forbidden", 403);
  });
  app.post(
    WEBHOOK_PATH,
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.text("Payload too large", 413) }),
    async (c) => {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const header = c.req.header("x-hub-signature-256");
      if (!header) return c.text("Missing signature", 401);
      if (!verifySignature(raw, header, o.appSecret)) {
        log.warn("whatsapp webhook with a bad signature refused");
        return c.text("Bad signature", 403);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(raw).toString("utf8"));
      } catch {
        return c.text("Bad JSON", 400);
      }
      const repairs: TextRepairs = { nul: 0, loneSurrogates: 0 };
      // NUL / lone surrogates in a text would fail the database and JSON writes later and lose the reply.
      body = wellFormedDeep(body, repairs);
      if (repaired(repairs)) log.warn({ ...repairs, bytes: raw.length }, "whatsapp webhook text repaired");
      const parsed = parseWebhook(body);
      if (!parsed) {
        log.warn({ bytes: raw.length }, "whatsapp webhook not understood; ignored");
        return c.text("ignored", 200);
      }
      if (parsed.skipped)
        log.warn(
          { skipped: parsed.skipped, read: parsed.messages.length },
          "whatsapp webhook entries not readable; skipped",
        );
      const now = o.deps.clock.now();
      const mine = parsed.messages.filter((m) => m.account === o.account);
      const statuses = parsed.statuses.filter((s) => s.account === o.account);
      if (mine.length + statuses.length < parsed.messages.length + parsed.statuses.length)
        log.warn("whatsapp webhook for another business number ignored");
      const run = o.serial?.run.bind(o.serial) ?? ((_k: string, t: () => Promise<unknown>) => t());
      // Durable before the ack: one row per message (Meta's retries of the same id change nothing).
      const todo: { m: InboundMessage; turn?: InboundTurnRow }[] = [];
      for (const raw of mine) {
        const at = Number.isFinite(raw.at.getTime()) && raw.at <= now ? raw.at : now;
        const m = { ...raw, at };
        if (o.inbox === false) {
          todo.push({ m });
          continue;
        }
        try {
          const r = await receiveTurn(o.deps, {
            channel: "whatsapp",
            key: `${m.account}:${m.messageId}`,
            kind: "message",
            account: m.account,
            payload: { ...m, at: at.toISOString() },
          });
          if (r.outcome === "new" || r.outcome === "taken-over") todo.push({ m, turn: r.turn });
          else log.info({ outcome: r.outcome }, "whatsapp message delivered again; nothing to do");
        } catch (err) {
          // Not recorded, so not acknowledged: Meta delivers the webhook again.
          log.error({ err }, "whatsapp message not recorded; not acknowledged");
          return c.text("unavailable", 503);
        }
      }
      const work = Promise.all([
        ...todo.map(({ m, turn }) => {
          // Admitted (or shed) now, before the ack, so a burst is counted from its first message.
          const slot = turn && o.admit ? o.admit(m) : undefined;
          if (slot === null && turn && o.onShed)
            return o.onShed(m, turn).catch((err) => log.error({ err }, "whatsapp shed failed"));
          return run(m.from, () =>
            slot ? slot.run(() => o.onMessage(m, turn)) : o.onMessage(m, turn),
          ).catch((err) => log.error({ err }, "whatsapp message failed"));
        }),
        statuses.length
          ? run("statuses", () => o.onStatuses(statuses)).catch((err) =>
              log.error({ err }, "whatsapp statuses failed"),
            )
          : undefined,
      ]);
      // Meta wants the 200 fast (median ≤ 250 ms) and retries otherwise: the work is queued per
      // contact (ordered, drained at shutdown) and continues after the ack; a retry is de-duplicated
      // by message id.
      if (o.ackBudgetMs) await Promise.race([work, new Promise((r) => setTimeout(r, o.ackBudgetMs).unref())]);
      return c.text("ok", 200);
    },
  );
  return app;
}
