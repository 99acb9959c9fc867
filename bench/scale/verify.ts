/**
 * What a scale-out run must show, read from what the platforms received (the local Slack and Graph
 * servers) and from Postgres: every turn answered once, every digest fired once, every outbox
 * message sent once, per-address pacing kept across replicas. Shared by the e2e test (asserts) and
 * bench:scale (records).
 */
import { sql } from "drizzle-orm";
import { THINKING_TEXT } from "../../src/bots/slack/turns.js";
import type { Cluster, Delivery } from "./cluster.js";

export interface PacingReport {
  intervalMs: number;
  addresses: number;
  sends: number;
  /** Smallest gap between two sends to one address (arrival at the platform), ms. */
  minGapMs: number | null;
  /** Gaps below the interval minus the tolerance (network jitter between reservation and arrival). */
  violations: number;
  toleranceMs: number;
  /** Most sends to one address that arrived within one interval (1 = perfectly paced). */
  maxInWindow: number;
  /** The closest pairs below the interval: address, gap, what was sent. */
  worst: { address: string; gapMs: number; what: string }[];
}

export interface RunReport {
  slack: {
    turns: number;
    answered: number;
    unanswered: string[];
    /** Threads where one part of the answer arrived twice (same turn part or same text). */
    duplicated: string[];
    placeholdersLeft: number;
    /** Turns not answered in the inbox table (pending/failed). */
    inboxNotAnswered: number;
    /** First answer time per turn (ms from the event), when found. */
    answerMs: number[];
    /** Ack bodies that told the user to wait (busy), from the first attempt. */
  };
  whatsapp: {
    messages: number;
    replied: number;
    unreplied: string[];
    /** Graph sends that match no recorded outbox part (a second send of something). */
    extraSends: number;
    replyMs: number[];
  };
  outbox: {
    byStatus: Record<string, number>;
    partsRecorded: number;
    /** WhatsApp sends at the Graph API. */
    channelSends: number;
    /** Slack messages of outbox rows posted twice (same outbox id and part). */
    slackDuplicates: number;
    slackParts: number;
  };
  digests: { subscriptions: number; delivered: number; duplicated: string[]; missing: string[] };
  alerts: { enqueued: number; sentOnce: number; missing: string[]; duplicated: string[] };
  deliveries: { total: number; firstNon200: number; finalNon200: number; retried: number };
  pacing: { slack: PacingReport; whatsapp: PacingReport };
}

type Send = { at: number; what: string };
function pacing(times: Map<string, Send[]>, intervalMs: number, toleranceMs: number): PacingReport {
  let minGap: number | null = null;
  let violations = 0;
  let sends = 0;
  const worst: PacingReport["worst"] = [];
  let maxInWindow = 0;
  for (const [address, ts] of times) {
    const s = [...ts].sort((a, b) => a.at - b.at);
    sends += s.length;
    for (let i = 0, j = 0; i < s.length; i++) {
      while (s[i]!.at - s[j]!.at >= intervalMs) j++;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    for (let i = 1; i < s.length; i++) {
      const g = s[i]!.at - s[i - 1]!.at;
      minGap = minGap === null ? g : Math.min(minGap, g);
      if (g < intervalMs - toleranceMs) {
        violations++;
        worst.push({ address, gapMs: g, what: `${s[i - 1]!.what} → ${s[i]!.what}` });
      }
    }
  }
  worst.sort((a, b) => a.gapMs - b.gapMs);
  return {
    intervalMs,
    addresses: times.size,
    sends,
    minGapMs: minGap,
    violations,
    toleranceMs,
    maxInWindow,
    worst: worst.slice(0, 5),
  };
}

const group = <T>(xs: T[], key: (x: T) => string) => {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
};

export async function verifyRun(
  c: Cluster,
  o: {
    digestChannels?: string[];
    alerts?: { channel: string; text: string }[];
    slackPaceMs?: number;
    whatsappPaceMs?: number;
    toleranceMs?: number;
  } = {},
): Promise<RunReport> {
  const tolerance = o.toleranceMs ?? 100;
  const slackDs = c.deliveries.filter((d) => d.kind === "slack");
  const waDs = c.deliveries.filter((d) => d.kind === "whatsapp");

  // Slack: the answer is in the event's thread; the placeholder is edited into it.
  const byThread = group(
    c.slack.messages.filter((m) => m.thread_ts),
    (m) => `${m.channel}/${m.thread_ts}`,
  );
  const unanswered: string[] = [];
  const duplicated: string[] = [];
  const answerMs: number[] = [];
  const postAt = new Map<string, number>();
  // When the answer reached Slack: its first post, or the edit of the placeholder (found by its ts).
  const threadOf = new Map(c.slack.messages.map((m) => [`${m.channel}/${m.ts}`, m.thread_ts]));
  for (const call of c.slack.calls)
    if (call.method === "chat.postMessage" || call.method === "chat.update") {
      const p = call.params as { channel?: string; thread_ts?: string; ts?: string; text?: string };
      const thread = p.thread_ts ?? threadOf.get(`${p.channel}/${p.ts}`);
      const k = `${p.channel}/${thread}`;
      if (thread && p.text !== THINKING_TEXT && !postAt.has(k)) postAt.set(k, call.at);
    }
  for (const d of slackDs) {
    const k = `${d.channel}/${d.ts}`;
    const ms = (byThread.get(k) ?? []).filter((m) => m.text !== THINKING_TEXT);
    if (!ms.length) unanswered.push(d.id);
    const parts = ms.map((m) => {
      const p = m.metadata?.event_payload as { turn_id?: string; part?: number } | undefined;
      return p?.turn_id ? `${p.turn_id}:${p.part}` : `text:${m.text}`;
    });
    if (new Set(parts).size !== parts.length) duplicated.push(d.id);
    const at = postAt.get(k);
    if (at) answerMs.push(at - d.sentAt);
  }
  const placeholdersLeft = c.slack.messages.filter((m) => m.text === THINKING_TEXT).length;
  const [inbox] = await c.d.db.rows<{ n: string }>(
    sql`select count(*) as n from inbound_turns where status <> 'answered'`,
  );

  // Outbox rows of the tenant (WhatsApp replies, digests) with the parts they recorded.
  const rows = await c.d.db.tenantTx(c.tenantId, (tx) =>
    tx.execute(
      sql`select id, attempts, dedupe_key, status, target, parts, channel_message_id, created_at, sent_at from outbox`,
    ),
  );
  const outRows = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
    id: string;
    attempts: number;
    dedupe_key: string;
    status: string;
    target: { channel: string; address: string };
    parts: Record<string, string> | null;
    channel_message_id: string | null;
    created_at: string | Date;
    sent_at: string | Date | null;
  }[];
  const byStatus: Record<string, number> = {};
  for (const r of outRows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const idsOf = (r: (typeof outRows)[number]) =>
    new Set([...Object.values(r.parts ?? {}), ...(r.channel_message_id ? [r.channel_message_id] : [])]);

  // WhatsApp: every inbound message has a sent reply row; every Graph send is one recorded part.
  const graphSends = c.graph.calls.filter((g) => g.messageId);
  const recorded = new Set(
    outRows.filter((r) => r.target.channel === "whatsapp").flatMap((r) => [...idsOf(r)]),
  );
  const extraSends = graphSends.filter((g) => !recorded.has(g.messageId!)).length;
  const byKey = new Map(outRows.map((r) => [r.dedupe_key, r]));
  const unreplied: string[] = [];
  const replyMs: number[] = [];
  for (const d of waDs) {
    const r = byKey.get(`whatsapp:reply:${"106540352242922"}:${d.id}`);
    if (!r || r.status !== "sent") unreplied.push(d.id);
    else if (r.sent_at) replyMs.push(new Date(r.sent_at).getTime() - d.sentAt);
  }

  // Digests: one outbox row per subscription and period, sent, and exactly its parts in the channel.
  const digestMissing: string[] = [];
  const digestDup: string[] = [];
  let digestDelivered = 0;
  for (const ch of o.digestChannels ?? []) {
    // The first digest chat is also the team's alert target (drafts awaiting approval arrive there).
    const inChannel = outRows.filter((r) => r.target.channel === "slack" && r.target.address === ch);
    const rowsFor = inChannel.filter((r) => r.dedupe_key.startsWith("digest:"));
    const msgs = c.slack.messages.filter((m) => m.channel === ch);
    if (!rowsFor.length || rowsFor.some((r) => r.status !== "sent")) digestMissing.push(ch);
    // Slack part ids are "<channel>:<ts>": every message in the chat is one recorded part of one row.
    const partIds = new Set(inChannel.flatMap((r) => [...idsOf(r)]));
    if (rowsFor.length > 1 || msgs.some((m) => !partIds.has(`${m.channel}:${m.ts}`)))
      digestDup.push(
        `${ch} ${JSON.stringify({
          rows: inChannel.map((r) => ({ key: r.dedupe_key, s: r.status, parts: r.parts })),
          msgs: msgs.map((m) => ({ ts: m.ts, meta: m.metadata?.event_payload, text: m.text?.slice(0, 40) })),
        })}`,
      );
    else if (rowsFor.length === 1 && rowsFor[0]!.status === "sent") digestDelivered++;
  }

  // Every Slack message sent for an outbox row carries (outbox id, part): none may appear twice.
  const outboxParts = c.slack.messages.flatMap((m) => {
    const p = m.metadata?.event_payload as { outbox_id?: string; part?: number } | undefined;
    return p?.outbox_id ? [`${p.outbox_id}:${p.part}`] : [];
  });
  const slackOutboxDup = outboxParts.length - new Set(outboxParts).size;

  // Outbox alerts: each text exactly once in its channel.
  const alertMissing: string[] = [];
  const alertDup: string[] = [];
  for (const a of o.alerts ?? []) {
    const n = c.slack.messages.filter((m) => m.channel === a.channel && m.text === a.text).length;
    if (n === 0) alertMissing.push(a.text);
    if (n > 1) alertDup.push(a.text);
  }

  // Pacing at the platforms: sends per Slack channel and per WhatsApp number, by arrival.
  const slackTimes = new Map<string, Send[]>();
  for (const call of c.slack.calls)
    if (call.method === "chat.postMessage" || call.method === "chat.update") {
      const p = call.params as { channel?: string; text?: string };
      const ch = String(p.channel);
      const what = `${call.method}:${String(p.text ?? "").slice(0, 24)}`;
      slackTimes.set(ch, [...(slackTimes.get(ch) ?? []), { at: call.at, what }]);
    }
  const waTimes = new Map<string, Send[]>();
  for (const g of graphSends) {
    const to = String((g.body as { to?: string }).to);
    waTimes.set(to, [
      ...(waTimes.get(to) ?? []),
      { at: g.at, what: String((g.body as { type?: string }).type) },
    ]);
  }

  const count = (ds: Delivery[], f: (d: Delivery) => boolean) => ds.filter(f).length;
  return {
    slack: {
      turns: slackDs.length,
      answered: slackDs.length - unanswered.length,
      unanswered,
      duplicated,
      placeholdersLeft,
      inboxNotAnswered: Number(inbox?.n ?? 0),
      answerMs,
    },
    whatsapp: {
      messages: waDs.length,
      replied: waDs.length - unreplied.length,
      unreplied,
      extraSends,
      replyMs,
    },
    outbox: {
      byStatus,
      partsRecorded: outRows.reduce((n, r) => n + idsOf(r).size, 0),
      channelSends: graphSends.length,
      slackDuplicates: slackOutboxDup,
      slackParts: outboxParts.length,
    },
    digests: {
      subscriptions: o.digestChannels?.length ?? 0,
      delivered: digestDelivered,
      duplicated: digestDup,
      missing: digestMissing,
    },
    alerts: {
      enqueued: o.alerts?.length ?? 0,
      sentOnce: (o.alerts?.length ?? 0) - alertMissing.length - alertDup.length,
      missing: alertMissing,
      duplicated: alertDup,
    },
    deliveries: {
      total: c.deliveries.length,
      firstNon200: count(c.deliveries, (d) => d.firstStatus !== 200),
      finalNon200: count(c.deliveries, (d) => d.status !== 200),
      retried: count(c.deliveries, (d) => d.attempts > 1),
    },
    pacing: {
      slack: pacing(slackTimes, o.slackPaceMs ?? 1000, tolerance),
      whatsapp: pacing(waTimes, o.whatsappPaceMs ?? 1000, tolerance),
    },
  };
}
