import {
  deferTurn,
  type InboundTurnRow,
  leaseKeeper,
  markAnswered,
  type NewTurn,
  releaseTurn,
  setPlaceholder,
  TURN_MAX_ATTEMPTS,
  takeResponsePost,
} from "../../core/features/inbox/index.js";
import { span } from "../../core/infra/telemetry/trace.js";
import type { DispatchOptions } from "../../core/intents/dispatcher.js";
import type { Reply } from "../../core/ports/reply.js";
import { afterAck, type SlackContext, slackCode, toIntent } from "./context.js";
import { setupTurn } from "./listeners/onboarding.js";
import { actorForSlackUser, NotMemberError } from "./people.js";
import { PlaceholderStream } from "./placeholder-stream.js";
import type { SlackMessage } from "./render/blocks.js";
import { escapeMrkdwn } from "./render/mrkdwn.js";
import { commandToIntent, isPrivateCommand, messageToIntent, SLASH_COMMANDS } from "./to-intent.js";
import type { Workspace } from "./workspaces.js";

export const THINKING_TEXT = "_thinking…_";
/** Said before an answer that comes after a crash or a long outage (it replaces the placeholder). */
export const LATE_TEXT = "Sorry, that took too long — here is the answer.";
export const SORRY_TEXT = "Sorry, something went wrong; it has been logged.";
/** A replayed slash command: said once, in the ack. */
export const ALREADY_ANSWERED_TEXT = "Already answered — see the answer above.";
export const STILL_WORKING_TEXT = "Still working on that one.";
/** Said at once when the queue is full; the turn stays in the inbox and is answered later, here. */
export const BUSY_TEXT = "I'm busy right now — your question is queued and I'll answer it here shortly.";
/** Placeholders the answer replaces (never counted as a part of the answer). */
const isPlaceholder = (text?: string) => text === THINKING_TEXT || text === BUSY_TEXT;
const TURN_META = "keel_turn";
const RESPONSE_URL_TIMEOUT_MS = 10_000;

export const COMMAND_RE = new RegExp(`^(${SLASH_COMMANDS.map((c) => c.replace("/", "\\/")).join("|")})$`);

/** A DM or mention to answer (what a turn's payload holds for kind "message"). */
export interface IncomingMessage {
  eventId: string;
  teamKey?: string;
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
}

/** A slash command to answer (kind "command"). */
export interface IncomingCommand {
  command: string;
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  triggerId: string;
  teamKey?: string;
}

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Team key of a request body: the enterprise for org-wide installs, else the team. */
function teamKeyOfBody(body: Body): string | undefined {
  const auth = Array.isArray(body.authorizations) ? (body.authorizations[0] as Body | undefined) : undefined;
  const enterprise = str(body.enterprise_id) ?? str((body.enterprise as Body | undefined)?.id);
  const org = auth?.is_enterprise_install === true || body.is_enterprise_install === "true";
  return org ? enterprise : (str(body.team_id) ?? enterprise);
}

/**
 * The mention or DM in an event, when it is one Keel answers: app_mention outside DMs, message.im
 * (no subtype: no edits, joins, bot posts), from a person, with text. Listeners and the receiver use
 * this one rule, so what is recorded as a turn is exactly what gets answered.
 */
export function incomingMessage(event: unknown, eventId: string, teamKey?: string): IncomingMessage | null {
  const e = event as Body;
  const user = str(e.user);
  const text = str(e.text);
  const channel = str(e.channel);
  const ts = str(e.ts);
  if (!user || !text || !channel || !ts || e.bot_id) return null;
  if (e.type === "app_mention" && channel.startsWith("D")) return null;
  if (e.type === "message" && (e.channel_type !== "im" || e.subtype)) return null;
  if (e.type !== "app_mention" && e.type !== "message") return null;
  return { eventId, teamKey, channel, user, text, ts, threadTs: str(e.thread_ts) };
}

/** The slash command in a form body, when it is one Keel answers after the ack (not a usage error). */
export function incomingCommand(body: Body): IncomingCommand | null {
  const command = str(body.command);
  const responseUrl = str(body.response_url);
  const triggerId = str(body.trigger_id);
  const userId = str(body.user_id);
  const channelId = str(body.channel_id);
  if (!command || !COMMAND_RE.test(command) || !responseUrl || !triggerId || !userId || !channelId)
    return null;
  const text = str(body.text) ?? "";
  if (commandToIntent(command, text).kind === "usage.error") return null;
  return { command, text, userId, channelId, responseUrl, triggerId, teamKey: teamKeyOfBody(body) };
}

/** The inbox record for a request body, or null when it is not a turn (buttons, App Home, …). */
export function turnOf(body: Body): NewTurn | null {
  if (body.type === "event_callback") {
    const eventId = str(body.event_id);
    const m = eventId ? incomingMessage(body.event, eventId, teamKeyOfBody(body)) : null;
    return m
      ? {
          channel: "slack",
          key: `event:${m.eventId}`,
          kind: "message",
          account: m.teamKey,
          payload: { ...m },
        }
      : null;
  }
  const c = incomingCommand(body);
  return c
    ? {
        channel: "slack",
        key: `command:${c.triggerId}`,
        kind: "command",
        account: c.teamKey,
        payload: { ...c },
      }
    : null;
}

const late = (reply: Reply): Reply => ({ ...reply, text: `${LATE_TEXT}\n\n${reply.text}` });

/**
 * Dispatches with the turn's idempotency key. A late turn whose first worker died mid-dispatch finds
 * the key taken with no reply ("already working"): that worker is gone, so it asks again under a key
 * of its own attempt.
 */
async function dispatchFor(
  ctx: SlackContext,
  turn: InboundTurnRow,
  make: (key: string) => Parameters<SlackContext["dispatcher"]["dispatch"]>[0],
  key: string,
  opts?: DispatchOptions,
): Promise<Reply> {
  const reply = await ctx.dispatcher.dispatch(make(key), opts);
  if (reply.outcome?.kind !== "duplicate" || turn.attempts === 1) return reply;
  return ctx.dispatcher.dispatch(make(`${key}:attempt-${turn.attempts}`), opts);
}

/** What went wrong, data-free, for the inbox row. */
const errorCode = (err: unknown) => `slack:${slackCode(err) ?? (err as Error)?.name ?? "error"}`;

/**
 * Runs a turn's work under this process's lease. A failure (Slack down, the database away) leaves
 * the turn pending for the recovery sweep; the last allowed attempt says sorry instead and gives up.
 */
async function guarded(
  ctx: SlackContext,
  turn: InboundTurnRow,
  work: () => Promise<void>,
  giveUp: () => Promise<void>,
): Promise<void> {
  const attributes = {
    "keel.channel": "slack",
    "keel.turn.id": turn.id,
    "keel.turn.kind": turn.kind,
    "keel.turn.attempt": turn.attempts,
  };
  await span("slack.turn", { attributes }, () => held(ctx, turn, work, giveUp));
}

async function held(
  ctx: SlackContext,
  turn: InboundTurnRow,
  work: () => Promise<void>,
  giveUp: () => Promise<void>,
): Promise<void> {
  await leaseKeeper(ctx.deps).hold(async () => {
    try {
      await work();
      await markAnswered(ctx.deps, turn.id);
    } catch (err) {
      const last = turn.attempts >= TURN_MAX_ATTEMPTS;
      ctx.log.error(
        { err, code: slackCode(err), turnId: turn.id, attempts: turn.attempts, last },
        "slack turn failed",
      );
      if (!last) {
        await releaseTurn(ctx.deps, turn.id, errorCode(err)).catch((e) =>
          ctx.log.error({ err: e, turnId: turn.id }, "slack turn release failed"),
        );
        return;
      }
      await giveUp().catch(() => {});
      await markAnswered(ctx.deps, turn.id).catch(() => {});
    }
  });
}

interface PostedPart {
  ts: string;
  text?: string;
  /** A streamed partial answer in the placeholder: still to be replaced by the answer. */
  partial?: boolean;
}

/** Part 0 still waiting for the answer: "thinking…", "busy", or a partial answer being streamed. */
const awaitingAnswer = (f: PostedPart) => isPlaceholder(f.text) || f.partial === true;

/** The parts of this turn's answer already in the thread (by metadata; part 0 is the placeholder). */
async function postedParts(
  ws: Workspace,
  m: IncomingMessage,
  turnId: string,
): Promise<Map<number, PostedPart>> {
  const out = new Map<number, PostedPart>();
  try {
    const res = await ws.client.conversations.replies({
      channel: m.channel,
      ts: m.threadTs ?? m.ts,
      limit: 200,
      include_all_metadata: true,
    });
    for (const x of res.messages ?? []) {
      const p = (
        x as {
          metadata?: {
            event_type?: string;
            event_payload?: { turn_id?: string; part?: number; partial?: boolean };
          };
        }
      ).metadata?.event_payload;
      if (p?.turn_id === turnId && x.ts)
        out.set(Number(p.part ?? 0), { ts: x.ts, text: x.text, partial: p.partial === true });
    }
  } catch {
    // Unknown: answer in full (a placeholder recorded in the inbox is still replaced).
  }
  return out;
}

/**
 * A mention or DM: a "thinking…" placeholder in the thread (if Slack refuses it, the answer is
 * posted instead of edited in — the turn is never dropped), dispatch, then the placeholder becomes
 * the answer. Every message of the answer carries the turn id and its part number as metadata, so a
 * later attempt (a worker died, Slack failed half-way) replaces a stale placeholder with the answer
 * prefixed by an apology and posts only the parts that are not there yet.
 */
export async function answerMessage(
  ctx: SlackContext,
  turn: InboundTurnRow,
  m: IncomingMessage,
  isLate: boolean,
): Promise<void> {
  let phTs = turn.placeholder?.split(":")[1];
  let ws: Workspace | undefined;
  const threadTs = m.threadTs ?? m.ts;
  const metadata = (part: number) => ({ event_type: TURN_META, event_payload: { turn_id: turn.id, part } });
  await guarded(
    ctx,
    turn,
    async () => {
      const w = await ctx.workspaces.resolve(m.teamKey);
      ws = w;
      await ctx.workspaces.rememberChannel(m.channel, w.teamKey);
      const found = isLate || turn.attempts > 1 ? await postedParts(w, m, turn.id) : new Map();
      const first = found.get(0);
      if (first) phTs = first.ts;
      const done = (i: number) => {
        const f = found.get(i);
        if (!f || (i === 0 && awaitingAnswer(f))) return undefined;
        return `${m.channel}:${f.ts}`;
      };
      const ledger = { done, record: async () => {} };
      if (!phTs && !isLate) {
        try {
          const ph = await ctx.pacer.run(m.channel, () =>
            w.client.chat.postMessage({
              channel: m.channel,
              thread_ts: threadTs,
              text: THINKING_TEXT,
              metadata: metadata(0),
            }),
          );
          phTs = ph.ts;
          if (phTs) await setPlaceholder(ctx.deps, turn.id, `${m.channel}:${phTs}`);
        } catch (err) {
          ctx.log.warn(
            { err, code: slackCode(err), turnId: turn.id },
            "slack placeholder not posted; the answer is posted instead",
          );
        }
      }
      // A model-phrased answer grows in the placeholder (checked sentences only, ≤ 1 edit/s).
      const stream =
        phTs && !isLate
          ? new PlaceholderStream(async (text) => {
              const { messages } = await ctx.adapter.prepare({ text: `${text} …` }, w.teamKey);
              const first = messages[0];
              if (!first || !phTs) return;
              await ctx.pacer.run(m.channel, () =>
                w.client.chat.update({
                  channel: m.channel,
                  ts: phTs!,
                  text: first.text,
                  blocks: first.blocks,
                  metadata: {
                    event_type: TURN_META,
                    event_payload: { turn_id: turn.id, part: 0, partial: true },
                  },
                }),
              );
            }, ctx.log)
          : undefined;
      let reply: Reply;
      try {
        const actor = await actorForSlackUser(ctx.deps, w, m.user);
        const args = messageToIntent(m.text, w.botUserId);
        reply =
          (await setupTurn(ctx, w, actor, m)) ??
          (await dispatchFor(
            ctx,
            turn,
            (key) => toIntent(args, actor, m.channel, key, threadTs),
            `slack:${m.eventId}`,
            stream ? { progress: (t) => stream.push(t) } : undefined,
          ));
      } catch (err) {
        // A stranger is told who can add them; that is the answer.
        if (!(err instanceof NotMemberError)) throw err;
        ctx.log.info({ eventId: m.eventId }, "message from a non-member refused");
        reply = { text: escapeMrkdwn(err.userMessage) };
      } finally {
        // No partial edit may land after the answer.
        await stream?.close();
      }
      // Part of the answer is out already: render it the same way again (no apology shifting the
      // parts) so only the missing parts are posted.
      const partial = [...found.entries()].some(([i, f]) => !(i === 0 && awaitingAnswer(f)));
      if (isLate && !partial) reply = late(reply);
      if (reply.ephemeral && !m.channel.startsWith("D")) {
        if (phTs) await w.client.chat.delete({ channel: m.channel, ts: phTs }).catch(() => {});
        const { messages } = await ctx.adapter.prepare(reply, w.teamKey);
        for (const msg of messages)
          await w.client.chat.postEphemeral({
            channel: m.channel,
            user: m.user,
            thread_ts: threadTs,
            text: msg.text,
            blocks: msg.blocks,
          });
        return;
      }
      if (phTs) await ctx.adapter.update(w, m.channel, phTs, reply, threadTs, { ledger, metadata });
      else await ctx.adapter.post(w, { channel: m.channel, threadTs, metadata }, reply, ledger);
    },
    async () => {
      if (ws && phTs) await ws.client.chat.update({ channel: m.channel, ts: phTs, text: SORRY_TEXT });
    },
  );
}

/** POSTs to a response_url (Slack answers 200 "ok", or 404 once it is used up or expired). */
function postResponse(url: string, body: Record<string, unknown>): Promise<void> {
  return span("slack response_url", { kind: "client", attributes: { "rpc.method": "response_url" } }, () =>
    postResponseNow(url, body),
  );
}

async function postResponseNow(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
  });
  await res.body?.cancel().catch(() => {});
  if (!res.ok)
    throw Object.assign(new Error(`response_url answered ${res.status}`), { code: `http_${res.status}` });
}

/**
 * Delivers a command's answer: through its response_url while the budget lasts (5 posts in 30
 * minutes, counted in the inbox before each post), then — and when the URL refuses — through the Web
 * API to the same place: ephemeral to the user, or into the channel.
 */
export async function deliverCommand(
  ctx: SlackContext,
  ws: Workspace,
  turn: InboundTurnRow,
  c: IncomingCommand,
  messages: SlackMessage[],
  ephemeral: boolean,
): Promise<void> {
  for (const msg of messages) {
    if (await takeResponsePost(ctx.deps, turn.id)) {
      try {
        await postResponse(c.responseUrl, {
          response_type: ephemeral ? "ephemeral" : "in_channel",
          replace_original: false,
          text: msg.text,
          blocks: msg.blocks,
        });
        continue;
      } catch (err) {
        ctx.log.warn(
          { err, code: slackCode(err), turnId: turn.id },
          "slack response_url refused; using the Web API",
        );
      }
    }
    if (ephemeral)
      await ws.client.chat.postEphemeral({
        channel: c.channelId,
        user: c.userId,
        text: msg.text,
        blocks: msg.blocks,
      });
    else
      await ctx.pacer.run(c.channelId, () =>
        ws.client.chat.postMessage({
          channel: c.channelId,
          text: msg.text,
          blocks: msg.blocks,
          unfurl_links: false,
        }),
      );
  }
}

/** A slash command after its (empty) ack: dispatch and answer within the response_url budget. */
export async function answerCommand(
  ctx: SlackContext,
  turn: InboundTurnRow,
  c: IncomingCommand,
  isLate: boolean,
): Promise<void> {
  let ws: Workspace | undefined;
  await guarded(
    ctx,
    turn,
    async () => {
      const w = await ctx.workspaces.resolve(c.teamKey);
      ws = w;
      await ctx.workspaces.rememberChannel(c.channelId, w.teamKey);
      const args = commandToIntent(c.command, c.text);
      let reply: Reply;
      try {
        const actor = await actorForSlackUser(ctx.deps, w, c.userId);
        reply = await dispatchFor(
          ctx,
          turn,
          (key) => toIntent(args, actor, c.channelId, key),
          `slack:cmd:${c.triggerId}`,
        );
      } catch (err) {
        // A stranger is told who can add them, only them; that is the answer.
        if (!(err instanceof NotMemberError)) throw err;
        ctx.log.info({ command: c.command }, "command from a non-member refused");
        reply = { text: escapeMrkdwn(err.userMessage), ephemeral: true };
      }
      if (isLate) reply = late(reply);
      const ephemeral =
        Boolean(reply.ephemeral) || isPrivateCommand(c.command, c.text) || args.kind === "help";
      const image = reply.image?.pngBase64 ? reply.image : undefined;
      // A shared file cannot be ephemeral: a private answer's chart is described in words instead.
      const shown =
        image && ephemeral
          ? { ...reply, image: { alt: image.alt, ...(image.title ? { title: image.title } : {}) } }
          : reply;
      const { messages } = await ctx.adapter.prepare(shown, w.teamKey);
      await deliverCommand(ctx, w, turn, c, messages, ephemeral);
      if (image && !ephemeral) await ctx.adapter.uploadImage(w, { channel: c.channelId }, image);
    },
    async () => {
      if (ws) await deliverCommand(ctx, ws, turn, c, [{ text: SORRY_TEXT } as SlackMessage], true);
    },
  );
}

/**
 * A turn that found the queue full: kept pending in the inbox (the sweep answers it after
 * KEEL_SHED_RETRY_SECONDS, on whichever replica has room) — never dropped. `notify` tells the person
 * at once, at most once a minute per person and channel across replicas, so a burst hears "busy"
 * once rather than once per message.
 */
export async function shedTurn(
  ctx: SlackContext,
  turn: InboundTurnRow,
  who: { channel: string; user: string },
  notify: () => Promise<void>,
): Promise<void> {
  ctx.deps.metrics.queueShed.inc({ queue: "slack_turns" });
  ctx.log.warn(
    { turnId: turn.id, kind: turn.kind, inFlight: ctx.tasks.queue.inFlight, queued: ctx.tasks.queued },
    "slack turn shed: queue full; the inbox answers it later",
  );
  try {
    await deferTurn(ctx.deps, turn.id, ctx.deps.config.load.shedRetryMs);
  } catch (err) {
    // Still ours with a lease that runs out within TURN_LEASE_MS: the sweep takes it then.
    ctx.log.error({ err, turnId: turn.id }, "shed turn not deferred; its lease will hand it over");
  }
  const first = await ctx.deps.store
    .set(`slack:busy:${who.channel}:${who.user}`, "1", { nx: true, ttlMs: 60_000 })
    .catch(() => true);
  if (!first) return;
  await notify().catch((err) =>
    ctx.log.warn({ err, code: slackCode(err), turnId: turn.id }, "slack busy notice not posted"),
  );
}

/** A mention or DM shed at a full queue: "busy" in its thread (the placeholder the answer replaces). */
export function shedMessage(ctx: SlackContext, turn: InboundTurnRow, m: IncomingMessage): Promise<void> {
  return shedTurn(ctx, turn, m, async () => {
    const w = await ctx.workspaces.resolve(m.teamKey);
    const ph = await ctx.pacer.run(m.channel, () =>
      w.client.chat.postMessage({
        channel: m.channel,
        thread_ts: m.threadTs ?? m.ts,
        text: BUSY_TEXT,
        metadata: { event_type: TURN_META, event_payload: { turn_id: turn.id, part: 0 } },
      }),
    );
    if (ph.ts) await setPlaceholder(ctx.deps, turn.id, `${m.channel}:${ph.ts}`);
  });
}

/**
 * Picks a recorded turn up again (a retry or the recovery sweep took it over from a dead worker):
 * answered late, in the background; resolves once the work is started.
 */
export function resumeTurn(ctx: SlackContext, turn: InboundTurnRow): void {
  const work = async () => {
    await afterAck();
    await ctx.tasks.limit(async () => {
      if (turn.kind === "message")
        await answerMessage(ctx, turn, turn.payload as unknown as IncomingMessage, true);
      else if (turn.kind === "command")
        await answerCommand(ctx, turn, turn.payload as unknown as IncomingCommand, true);
      else ctx.log.warn({ kind: turn.kind, turnId: turn.id }, "slack turn of unknown kind left alone");
    });
  };
  ctx.tasks.track(work().catch((err) => ctx.log.error({ err, turnId: turn.id }, "slack turn resume failed")));
}
