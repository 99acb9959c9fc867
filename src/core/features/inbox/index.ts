import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { inboundTurns } from "../../infra/db/schema/index.js";
import type { InboundTurnRow } from "../../ports/chat-adapter.js";
import {
  leaseEnd,
  RESPONSE_URL_MAX_POSTS,
  RESPONSE_URL_TTL_MS,
  TURN_MAX_ATTEMPTS,
  TURN_OWNER,
  TURN_RENEW_MS,
  toRow,
} from "./row.js";

export type { InboundTurnRow } from "../../ports/chat-adapter.js";

/**
 * The inbox of inbound turns. A turn is written before the channel is acked and answered exactly
 * once: its worker holds a lease renewed while it lives; a retry of the same delivery, or the
 * recovery sweep, takes over a turn whose lease ran out (the worker died) and answers it.
 */

export { receiveTurn, receiveTurns } from "./record.js";
export {
  leaseEnd,
  type NewTurn,
  RESPONSE_URL_MAX_POSTS,
  RESPONSE_URL_TTL_MS,
  type Received,
  TURN_LEASE_MS,
  TURN_MAX_ATTEMPTS,
  TURN_OWNER,
  TURN_RENEW_MS,
  toRow,
} from "./row.js";

/**
 * The recovery sweep's half: takes over pending turns of `channels` whose lease ran out (worker
 * died, or a failed attempt waits for its retry), oldest first. Turns past TURN_MAX_ATTEMPTS are
 * given up instead (failed, message erased) and counted in `gaveUp`.
 */
export async function takeOverStale(
  deps: Deps,
  channels: string[],
  limit = 20,
  owner = TURN_OWNER,
): Promise<{ turns: InboundTurnRow[]; gaveUp: number }> {
  if (!channels.length) return { turns: [], gaveUp: 0 };
  const now = deps.clock.now().toISOString();
  const gaveUp = await deps.db.rows<{ id: string }>(sql`
    update inbound_turns set status = 'failed', payload = null, locked_until = null, owner = null
    where status = 'pending' and attempts >= ${TURN_MAX_ATTEMPTS} and locked_until < ${now}::timestamptz
      and channel in (${sql.join(
        channels.map((c) => sql`${c}`),
        sql`, `,
      )})
    returning id`);
  const rows = await deps.db.rows<{ id: string }>(sql`
    update inbound_turns set owner = ${owner}, locked_until = ${leaseEnd(deps).toISOString()}::timestamptz,
      attempts = attempts + 1
    where id in (
      select id from inbound_turns
      where status = 'pending' and locked_until < ${now}::timestamptz and channel in (${sql.join(
        channels.map((c) => sql`${c}`),
        sql`, `,
      )})
      order by received_at limit ${limit}
      for update skip locked)
    returning id`);
  if (!rows.length) return { turns: [], gaveUp: gaveUp.length };
  const full = await deps.db.orm
    .select()
    .from(inboundTurns)
    .where(
      inArray(
        inboundTurns.id,
        rows.map((r) => r.id),
      ),
    );
  return { turns: full.map(toRow), gaveUp: gaveUp.length };
}

/** Renews the leases of every pending turn this process owns (one statement per period). */
export async function renewLeases(deps: Deps, owner = TURN_OWNER): Promise<number> {
  const rows = await deps.db.rows<{ id: string }>(sql`
    update inbound_turns set locked_until = ${leaseEnd(deps).toISOString()}::timestamptz
    where owner = ${owner} and status = 'pending' returning id`);
  return rows.length;
}

/** The reply reached the channel: answered, and the message is forgotten. */
export async function markAnswered(deps: Deps, id: string): Promise<void> {
  await deps.db.orm
    .update(inboundTurns)
    .set({
      status: "answered",
      answeredAt: deps.clock.now(),
      payload: null,
      owner: null,
      lockedUntil: null,
      lastError: null,
    })
    .where(eq(inboundTurns.id, id));
}

/**
 * The reply did not get through (channel down): the turn stays pending, without an owner, and the
 * sweep tries again after `retryInMs`. `error` is a data-free code.
 */
export async function releaseTurn(deps: Deps, id: string, error: string, retryInMs = 10_000): Promise<void> {
  await deps.db.orm
    .update(inboundTurns)
    .set({
      owner: null,
      lockedUntil: new Date(deps.clock.now().getTime() + retryInMs),
      lastError: error.slice(0, 200),
    })
    .where(and(eq(inboundTurns.id, id), eq(inboundTurns.status, "pending")));
}

/**
 * A turn shed at a full queue: it stays pending without an owner and the sweep answers it after
 * `retryInMs` at the earliest. The attempt is given back — being busy is not a failure of the turn,
 * and a turn shed several times must never reach TURN_MAX_ATTEMPTS and be given up for it.
 */
export async function deferTurn(deps: Deps, id: string, retryInMs: number): Promise<void> {
  await deps.db.orm
    .update(inboundTurns)
    .set({
      owner: null,
      lockedUntil: new Date(deps.clock.now().getTime() + retryInMs),
      attempts: sql`greatest(${inboundTurns.attempts} - 1, 0)`,
      lastError: "shed: queue full",
    })
    .where(and(eq(inboundTurns.id, id), eq(inboundTurns.status, "pending")));
}

/** Remembers the placeholder message that stands for the answer until it is ready. */
export async function setPlaceholder(deps: Deps, id: string, ref: string): Promise<void> {
  await deps.db.orm.update(inboundTurns).set({ placeholder: ref }).where(eq(inboundTurns.id, id));
}

/**
 * Takes one post from the turn's response_url budget (≤ 5 posts within 30 minutes of the command);
 * false when it is spent or expired — post through the Web API instead. Counted before posting, so a
 * crash never lets a retry go over the limit.
 */
export async function takeResponsePost(deps: Deps, id: string): Promise<boolean> {
  const since = new Date(deps.clock.now().getTime() - RESPONSE_URL_TTL_MS + 60_000).toISOString();
  const rows = await deps.db.rows<{ id: string }>(sql`
    update inbound_turns set response_posts = response_posts + 1
    where id = ${id} and response_posts < ${RESPONSE_URL_MAX_POSTS} and received_at > ${since}::timestamptz
    returning id`);
  return rows.length === 1;
}

/**
 * A replayed delivery of a finished turn: true the first time only (say "already answered" once,
 * then nothing).
 */
export async function noticeReplay(deps: Deps, id: string): Promise<boolean> {
  const rows = await deps.db.urgent(() =>
    deps.db.rows<{ id: string }>(sql`
    update inbound_turns set replay_noticed = 1 where id = ${id} and replay_noticed = 0 returning id`),
  );
  return rows.length === 1;
}

/** Pending turns by channel (metrics, tests). */
export async function pendingTurns(deps: Deps): Promise<Record<string, number>> {
  const rows = await deps.db.rows<{ channel: string; n: string | number }>(
    sql`select channel, count(*) as n from inbound_turns where status = 'pending' group by channel`,
  );
  return Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
}

/** Forgets finished turns received before `before`. */
export async function pruneTurns(deps: Deps, before: Date): Promise<number> {
  const rows = await deps.db.orm
    .delete(inboundTurns)
    .where(and(lt(inboundTurns.receivedAt, before), sql`${inboundTurns.status} <> 'pending'`))
    .returning({ id: inboundTurns.id });
  return rows.length;
}

/**
 * Keeps this process's leases alive while it works on turns: `hold(fn)` counts the turn in; one
 * renewal statement runs every TURN_RENEW_MS while any turn is held, none when idle.
 */
export class LeaseKeeper {
  private held = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: Deps,
    private readonly owner = TURN_OWNER,
    private readonly everyMs = TURN_RENEW_MS,
  ) {}

  async hold<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held++ === 0) {
      this.timer = setInterval(() => {
        renewLeases(this.deps, this.owner).catch((err) =>
          this.deps.logger.warn({ err }, "inbound turn lease renewal failed"),
        );
      }, this.everyMs);
      this.timer.unref();
    }
    try {
      return await fn();
    } finally {
      if (--this.held === 0) clearInterval(this.timer);
    }
  }
}

const keepers = new WeakMap<Deps, LeaseKeeper>();
/** One keeper per process (per deps). */
export function leaseKeeper(deps: Deps): LeaseKeeper {
  let k = keepers.get(deps);
  if (!k) {
    k = new LeaseKeeper(deps);
    keepers.set(deps, k);
  }
  return k;
}
