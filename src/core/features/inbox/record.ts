import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { inboundTurns } from "../../infra/db/schema/index.js";
import { span } from "../../infra/telemetry/trace.js";
import type { InboundTurnRow } from "../../ports/chat-adapter.js";
import { leaseEnd, type NewTurn, type Received, TURN_OWNER, toRow } from "./row.js";

/** Most deliveries written by one statement. */
const MAX_BATCH = 100;

interface Waiting {
  t: NewTurn;
  owner: string;
  resolve: (r: Received) => void;
  reject: (e: unknown) => void;
}

/**
 * Records a delivery before its ack, ahead of queued background statements. A redelivery of a
 * pending turn whose lease ran out takes it over in the same statement; any other redelivery changes
 * nothing. Deliveries arriving while a write is under way go together in the next statement (group
 * commit): under a burst one INSERT serves many acks, so the cost per ack falls as load rises — on the
 * embedded database a single-row INSERT costs about four times its share of a batched one.
 */
export function receiveTurn(deps: Deps, t: NewTurn, owner = TURN_OWNER): Promise<Received> {
  return span(
    "inbox.record",
    { attributes: { "keel.channel": t.channel, "keel.turn.kind": t.kind } },
    async (s) => {
      const r = await recorderOf(deps).record(t, owner);
      s.setAttributes({
        "keel.turn.id": r.turn.id,
        "keel.turn.outcome": r.outcome,
        "keel.turn.attempt": r.turn.attempts,
      });
      return r;
    },
  );
}

/** Several deliveries at once (a WhatsApp webhook batch), in one statement when they fit. */
export function receiveTurns(deps: Deps, list: NewTurn[], owner = TURN_OWNER): Promise<Received[]> {
  return Promise.all(list.map((t) => receiveTurn(deps, t, owner)));
}

class TurnRecorder {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly deps: Deps) {}

  record(t: NewTurn, owner: string): Promise<Received> {
    return new Promise<Received>((resolve, reject) => {
      this.queue.push({ t, owner, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        // One statement cannot touch a row twice: a second delivery of the same key waits for the
        // next statement, where it finds the first one's row.
        const seen = new Set<string>();
        const batch: Waiting[] = [];
        const later: Waiting[] = [];
        for (const w of this.queue) {
          const k = `${w.t.channel}\u0000${w.t.key}`;
          if (seen.has(k) || batch.length >= MAX_BATCH) later.push(w);
          else {
            seen.add(k);
            batch.push(w);
          }
        }
        this.queue = later;
        try {
          const results = await this.deps.db.urgent(() => writeBatch(this.deps, batch));
          for (const [i, w] of batch.entries()) w.resolve(results[i] as Received);
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

const recorders = new WeakMap<Deps, TurnRecorder>();
function recorderOf(deps: Deps): TurnRecorder {
  let r = recorders.get(deps);
  if (!r) {
    r = new TurnRecorder(deps);
    recorders.set(deps, r);
  }
  return r;
}

/** One INSERT for the batch; one SELECT for the rows that already existed, if any. */
async function writeBatch(deps: Deps, batch: Waiting[]): Promise<Received[]> {
  const now = deps.clock.now();
  const until = leaseEnd(deps);
  const values = batch.map((w) => ({
    id: randomUUID(),
    channel: w.t.channel,
    key: w.t.key,
    kind: w.t.kind,
    account: w.t.account ?? null,
    // What the database will hand back later (undefined fields dropped), also for this first answer.
    payload: JSON.parse(JSON.stringify(w.t.payload)) as Record<string, unknown>,
    owner: w.owner,
    lockedUntil: until,
    receivedAt: now,
  }));
  // Plain SQL: on the embedded database this runs on the acking thread, and drizzle's insert builder
  // costs about a third as much CPU again as the statement itself.
  const written = await deps.db.rows<{ id: string; attempts: number }>(sql`
    insert into inbound_turns (id, channel, key, kind, account, payload, owner, locked_until, received_at)
    values ${sql.join(
      values.map(
        (v) =>
          sql`(${v.id}::uuid, ${v.channel}, ${v.key}, ${v.kind}, ${v.account}, ${JSON.stringify(v.payload)}::jsonb, ${v.owner}, ${until.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`,
      ),
      sql`, `,
    )}
    on conflict (channel, key) do update
      set owner = excluded.owner, locked_until = excluded.locked_until, attempts = inbound_turns.attempts + 1
      where inbound_turns.status = 'pending' and inbound_turns.locked_until < ${now.toISOString()}::timestamptz
    returning id, attempts`);
  const fresh = new Set(written.filter((r) => Number(r.attempts) === 1).map((r) => r.id));
  // New rows are known here; rows that existed (taken over, answered, in progress) are read back.
  const existing = values.filter((v) => !fresh.has(v.id));
  const rows = new Map<string, InboundTurnRow>();
  if (existing.length) {
    const read = await deps.db.orm
      .select()
      .from(inboundTurns)
      .where(
        sql`(${inboundTurns.channel}, ${inboundTurns.key}) in (${sql.join(
          existing.map((v) => sql`(${v.channel}, ${v.key})`),
          sql`, `,
        )})`,
      );
    for (const r of read) rows.set(`${r.channel}\u0000${r.key}`, toRow(r));
  }
  const takenOver = new Set(written.filter((r) => Number(r.attempts) > 1).map((r) => r.id));
  return values.map((v): Received => {
    if (fresh.has(v.id))
      return {
        outcome: "new",
        turn: {
          id: v.id,
          channel: v.channel,
          key: v.key,
          kind: v.kind,
          account: v.account ?? undefined,
          payload: v.payload,
          status: "pending",
          attempts: 1,
          responsePosts: 0,
          receivedAt: now,
        },
      };
    const turn = rows.get(`${v.channel}\u0000${v.key}`);
    if (!turn) throw new Error("inbound turn vanished between insert and read");
    if (takenOver.has(turn.id)) return { outcome: "taken-over", turn };
    return { outcome: turn.status === "pending" ? "in-progress" : "answered", turn };
  });
}
