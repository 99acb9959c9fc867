import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { Hono } from "hono";
import type { Deps } from "../../core/deps.js";
import { type InboundTurnRow, noticeReplay, receiveTurn } from "../../core/features/inbox/index.js";
import type { Logger } from "../../core/infra/logger.js";
import { repaired, type TextRepairs, wellFormedDeep } from "../../core/kernel/text.js";
import { MAX_BODY_BYTES, readCapped } from "../../http/body.js";
import type { TaskTracker } from "./tasks.js";
import { ALREADY_ANSWERED_TEXT, STILL_WORKING_TEXT, turnOf } from "./turns.js";
import { precheckRequest, verifyRequest } from "./verify.js";

/** Slack wants an answer within 3 s; past this we answer 200 ourselves and let the work go on. */
const ACK_DEADLINE_MS = 2_500;
const EVENT_SEEN_TTL_MS = 60 * 60_000;

export interface AckStats {
  count: number;
  lastMs: number;
  maxMs: number;
}

/**
 * A Bolt Receiver on the hono server (POST /slack/events for events, commands and interactivity):
 * verify the signature → a turn (DM, mention, slash command) is recorded in the inbox (one INSERT,
 * the only I/O before the ack) → start Bolt's processing → answer as soon as the listener acks.
 * A redelivery (Slack's retries, a replayed command) of a turn that is answered or being worked on
 * does nothing more (a replayed command hears "already answered" once); of a turn whose worker
 * died, it is answered now. Nothing slow runs before the ack: listeners ack first and continue in
 * the background (tracked for shutdown/tests).
 */
export class HonoReceiver implements Receiver {
  private bolt?: App;
  private readonly log: Logger;
  readonly stats: AckStats = { count: 0, lastMs: 0, maxMs: 0 };

  constructor(
    private readonly deps: Deps,
    private readonly signingSecret: string,
    private readonly tasks: TaskTracker,
    /** Answers a turn taken over from a dead worker (in the background). */
    private readonly resume: (turn: InboundTurnRow) => void = () => {},
  ) {
    this.log = deps.logger.child({ component: "slack-receiver" });
  }

  init(app: App): void {
    this.bolt = app;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    await this.tasks.idle();
  }

  /** The routes to mount on the main app. */
  routes(): Hono {
    const r = new Hono();
    r.post("/slack/events", (c) => this.handle(c.req.raw));
    return r;
  }

  /**
   * Handles one request from Slack and returns the HTTP response (the ack). Order matters: headers
   * and timestamp are checked before a byte of the body is read; the body is read up to 1 MiB; the
   * signature is checked; only then is anything parsed, and a malformed body is a 400, not a crash.
   */
  async handle(req: Request): Promise<Response> {
    const started = performance.now();
    const headers = {
      signature: req.headers.get("x-slack-signature") ?? undefined,
      timestamp: req.headers.get("x-slack-request-timestamp") ?? undefined,
    };
    const now = this.deps.clock.now().getTime();
    const pre = precheckRequest(headers, now);
    if (!pre.ok) {
      await req.body?.cancel().catch(() => {});
      return this.reject(401, pre.reason);
    }
    const raw = await readCapped(req, MAX_BODY_BYTES);
    if (raw === null) return this.reject(413, "body_too_large");
    const verdict = verifyRequest(this.signingSecret, headers, raw, now);
    if (!verdict.ok) return this.reject(401, verdict.reason);
    const repairs: TextRepairs = { nul: 0, loneSurrogates: 0 };
    const parsed = parseBody(raw, req.headers.get("content-type") ?? "");
    // NUL / lone surrogates would fail the database and JSON writes later and lose the turn.
    const body = parsed && wellFormedDeep(parsed, repairs);
    if (repaired(repairs)) this.log.warn({ ...repairs, bytes: raw.length }, "slack request text repaired");
    const malformed = body ? shapeProblem(body) : "not_an_object";
    if (!body || malformed) {
      this.log.warn({ reason: malformed, bytes: raw.length }, "slack request malformed");
      return Response.json({ error: "malformed", reason: malformed }, { status: 400 });
    }
    if (body.type === "url_verification") return Response.json({ challenge: body.challenge });
    if (body.ssl_check) return new Response(null, { status: 200 });
    const retryNum = req.headers.get("x-slack-retry-num");
    const turn = turnOf(body);
    if (turn) {
      let r: Awaited<ReturnType<typeof receiveTurn>>;
      try {
        r = await receiveTurn(this.deps, turn);
      } catch (err) {
        // Not recorded, so not acked: Slack retries the event (a command shows the user an error).
        this.log.error({ err, kind: turn.kind }, "slack turn not recorded; not acknowledged");
        return this.done(started, Response.json({ error: "unavailable" }, { status: 503 }));
      }
      if (r.outcome === "taken-over") {
        this.log.warn({ turnId: r.turn.id, attempts: r.turn.attempts, retryNum }, "slack turn taken over");
        this.resume(r.turn);
        return this.done(started, new Response(null, { status: 200 }));
      }
      if (r.outcome !== "new") {
        this.log.info({ turnId: r.turn.id, outcome: r.outcome, retryNum }, "slack turn delivered again");
        if (turn.kind === "command" && (await noticeReplay(this.deps, r.turn.id).catch(() => false)))
          return this.done(
            started,
            Response.json({
              response_type: "ephemeral",
              text: r.outcome === "answered" ? ALREADY_ANSWERED_TEXT : STILL_WORKING_TEXT,
            }),
          );
        return this.done(started, new Response(null, { status: 200 }));
      }
      return this.done(started, await this.dispatch(body, req.headers, { inboxTurn: r.turn }));
    }
    const eventId = typeof body.event_id === "string" ? body.event_id : undefined;
    if (
      eventId &&
      !(await this.deps.store.set(`slack:event-seen:${eventId}`, "1", { nx: true, ttlMs: EVENT_SEEN_TTL_MS }))
    ) {
      this.log.info({ eventId, retryNum }, "slack event already seen");
      return this.done(started, new Response(null, { status: 200 }));
    }
    const response = await this.dispatch(body, req.headers);
    return this.done(started, response);
  }

  private reject(status: 401 | 413, reason: string): Response {
    this.log.warn({ reason, status }, "slack request rejected");
    return Response.json({ error: reason }, { status });
  }

  private done(started: number, res: Response): Response {
    const ms = performance.now() - started;
    this.stats.count++;
    this.stats.lastMs = ms;
    this.stats.maxMs = Math.max(this.stats.maxMs, ms);
    return res;
  }

  private dispatch(
    body: Record<string, unknown>,
    headers: Headers,
    customProperties?: Record<string, unknown>,
  ): Promise<Response> {
    if (!this.bolt) throw new Error("HonoReceiver used before Bolt init()");
    return new Promise<Response>((resolve) => {
      let acked = false;
      const timer = setTimeout(() => {
        if (acked) return;
        acked = true;
        this.log.warn({ type: body.type }, "slack listener did not ack in time; answered 200");
        resolve(new Response(null, { status: 200 }));
      }, ACK_DEADLINE_MS);
      const event: ReceiverEvent = {
        body,
        retryNum: headers.get("x-slack-retry-num") ? Number(headers.get("x-slack-retry-num")) : undefined,
        retryReason: headers.get("x-slack-retry-reason") ?? undefined,
        ...(customProperties ? { customProperties } : {}),
        ack: async (response?: unknown) => {
          if (acked) return;
          acked = true;
          clearTimeout(timer);
          resolve(ackResponse(response));
        },
      };
      const work = this.bolt!.processEvent(event).catch((err) => {
        this.log.error({ err }, "slack event processing failed");
        if (!acked) {
          acked = true;
          clearTimeout(timer);
          resolve(new Response(null, { status: 500 }));
        }
      });
      this.tasks.track(work);
    });
  }
}

/** Bolt's ack payload → HTTP: nothing → empty 200, a string → text, an object → JSON. */
export function ackResponse(response: unknown): Response {
  if (response === undefined || response === null || response === "")
    return new Response(null, { status: 200 });
  if (typeof response === "string")
    return new Response(response, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
  return Response.json(response);
}

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Events arrive as JSON; commands as form fields; interactivity as a form field `payload` with JSON.
 * Anything that is not a JSON object where one is expected (`null`, `[]`, `payload=null`, broken
 * JSON) gives null.
 */
export function parseBody(raw: string, contentType: string): Body | null {
  try {
    if (contentType.includes("application/json")) {
      const v: unknown = JSON.parse(raw);
      return isObject(v) ? v : null;
    }
    const form = new URLSearchParams(raw);
    const payload = form.get("payload");
    if (payload !== null) {
      const v: unknown = JSON.parse(payload);
      return isObject(v) ? v : null;
    }
    return Object.fromEntries(form);
  } catch {
    return null;
  }
}

/** What is wrong with a signed body's shape for Bolt (which would throw a TypeError), or null. */
export function shapeProblem(body: Body): string | null {
  if (body.type === "url_verification") return typeof body.challenge === "string" ? null : "no_challenge";
  if (body.ssl_check) return null;
  if (body.type === "event_callback") {
    const e = body.event;
    if (!isObject(e) || typeof e.type !== "string") return "no_event";
    return typeof body.event_id === "string" ? null : "no_event_id";
  }
  if (typeof body.command === "string") return null;
  if (typeof body.type === "string") return null;
  return "unknown_type";
}
