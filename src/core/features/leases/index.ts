import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import type { Logger } from "../../infra/logger.js";
import { AppError } from "../../kernel/errors.js";

/**
 * Singleton leases: something that must run on exactly one replica (the whatsapp-web.js browser
 * session) holds a row in `singleton_leases`, renewed while its process lives. Postgres's clock
 * decides expiry, so replicas' clocks never disagree about it. The fencing token rises on every
 * change of holder: a replica that lost the lease without noticing (paused, partitioned, its
 * renewals failing) is refused by `fence()` on its next send, because its token is no longer the
 * row's. Why Postgres and not a Redis lock: it is the one shared service every deployment has
 * (PGlite included), and a row is where the token lives monotonically.
 */

/** This process's identity as a lease holder. */
export const LEASE_HOLDER = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

export interface LeaseTerm {
  token: number;
  expiresAt: Date;
}

/**
 * Takes the lease when it is free or expired, or renews it when `holder` has it. Returns the term
 * (token unchanged on a renewal, raised on a takeover), or null when another holder's lease is live.
 */
export async function acquireLease(
  deps: Deps,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<LeaseTerm | null> {
  const [row] = await deps.db.rows<{ token: string | number; expires_at: string | Date }>(sql`
    insert into singleton_leases (name, holder, token, acquired_at, renewed_at, expires_at)
    values (${name}, ${holder}, 1, now(), now(), now() + ${ttlMs} * interval '1 millisecond')
    on conflict (name) do update set
      token = case when singleton_leases.holder = excluded.holder then singleton_leases.token
                   else singleton_leases.token + 1 end,
      acquired_at = case when singleton_leases.holder = excluded.holder then singleton_leases.acquired_at
                         else now() end,
      holder = excluded.holder,
      renewed_at = now(),
      expires_at = excluded.expires_at
    where singleton_leases.holder = excluded.holder or singleton_leases.expires_at <= now()
    returning token, expires_at`);
  return row ? { token: Number(row.token), expiresAt: new Date(row.expires_at) } : null;
}

/** Whether `token` is still the live term of `name` held by `holder` (the fencing check). */
export async function leaseIsCurrent(
  deps: Deps,
  name: string,
  holder: string,
  token: number,
): Promise<boolean> {
  const rows = await deps.db.rows<{ ok: number }>(sql`
    select 1 as ok from singleton_leases
    where name = ${name} and holder = ${holder} and token = ${token} and expires_at > now()`);
  return rows.length > 0;
}

/** Gives the lease up now (graceful shutdown), so another replica takes it on its next poll. */
export async function releaseLease(deps: Deps, name: string, holder: string, token: number): Promise<void> {
  await deps.db.rows(sql`
    update singleton_leases set expires_at = now()
    where name = ${name} and holder = ${holder} and token = ${token}
    returning name`);
}

/** Who holds `name` now (for status pages and the log); null when nobody's lease is live. */
export async function leaseHolder(
  deps: Deps,
  name: string,
): Promise<{ holder: string; token: number; expiresAt: Date } | null> {
  const [row] = await deps.db.rows<{ holder: string; token: string | number; expires_at: string | Date }>(sql`
    select holder, token, expires_at from singleton_leases where name = ${name} and expires_at > now()`);
  return row ? { holder: row.holder, token: Number(row.token), expiresAt: new Date(row.expires_at) } : null;
}

/** A send refused by the fencing check: this replica is not (or no longer) the holder. */
export class NotLeaseHolder extends AppError {
  constructor(
    readonly lease: string,
    readonly staleToken: number | null,
    readonly reason: string,
  ) {
    super("conflict", "This replica does not hold the lease.", {
      retryable: true,
      detail: `${lease}: ${reason}`,
    });
    this.name = "NotLeaseHolder";
  }
}

export interface LeaseKeeperOptions {
  deps: Deps;
  name: string;
  holder?: string;
  /** Lease lifetime; a dead holder's lease is taken over within ttlMs + renewMs. */
  ttlMs: number;
  /** How often the holder renews and a follower tries to take over (default ttlMs / 3). */
  renewMs?: number;
  /** Called when this replica becomes the holder (start the singleton). */
  onGain(token: number): Promise<void> | void;
  /** Called when it stops being the holder (stop the singleton): lost, expired, refused, shut down. */
  onLose(reason: string): Promise<void> | void;
  logger?: Logger;
  /** Monotonic clock in ms (tests); the local deadline never trusts the wall clock. */
  now?: () => number;
}

/**
 * Keeps trying to hold one lease: renews while it holds it, polls while another replica does.
 * While holding, the local deadline (the start of the last successful renewal + ttl) bounds how long
 * it believes itself leader without hearing from Postgres: past it, it steps down by itself, so a
 * replica cut off from the database stops its singleton before another one may have started it.
 */
export class LeaseKeeper {
  readonly name: string;
  readonly holder: string;
  private term: LeaseTerm | null = null;
  /** Monotonic ms until which the held lease is surely ours. */
  private deadline = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private busy: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly renewMs: number;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.name = o.name;
    this.holder = o.holder ?? LEASE_HOLDER;
    this.now = o.now ?? (() => performance.now());
    this.renewMs = o.renewMs ?? Math.max(50, Math.floor(o.ttlMs / 3));
    if (this.renewMs >= o.ttlMs) throw new Error("the lease must be renewed more often than it lasts");
  }

  /** The token of the term this replica holds, or null when it does not hold the lease. */
  get token(): number | null {
    return this.term && this.now() < this.deadline ? this.term.token : null;
  }

  get held(): boolean {
    return this.token !== null;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.tick();
  }

  /** One renewal / takeover attempt (also run by the timer). */
  tick(): Promise<void> {
    this.busy = this.busy.then(() => this.step());
    return this.busy;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.renewMs);
    this.timer.unref?.();
  }

  private async step(): Promise<void> {
    if (!this.running) return;
    const started = this.now();
    let term: LeaseTerm | null;
    try {
      term = await acquireLease(this.o.deps, this.name, this.holder, this.o.ttlMs);
    } catch (err) {
      this.o.logger?.warn({ err, lease: this.name }, "lease renewal failed");
      // Cannot reach Postgres: keep the term only until the local deadline.
      if (this.term && this.now() >= this.deadline) await this.lose("renewal failed past the deadline");
      return this.schedule();
    }
    if (!this.running) return;
    if (!term) {
      if (this.term) await this.lose("another replica holds the lease");
      return this.schedule();
    }
    const gained = !this.term || this.term.token !== term.token;
    if (gained && this.term) await this.lose("the lease was renewed under a new token");
    this.term = term;
    this.deadline = started + this.o.ttlMs;
    if (gained) {
      this.o.logger?.info({ lease: this.name, token: term.token, holder: this.holder }, "lease acquired");
      await Promise.resolve(this.o.onGain(term.token)).catch((err: unknown) =>
        this.o.logger?.error({ err, lease: this.name }, "lease holder failed to start"),
      );
    }
    this.schedule();
  }

  private async lose(reason: string): Promise<void> {
    if (!this.term) return;
    const token = this.term.token;
    this.term = null;
    this.deadline = 0;
    this.o.logger?.warn({ lease: this.name, token, reason }, "lease lost");
    await Promise.resolve(this.o.onLose(reason)).catch((err: unknown) =>
      this.o.logger?.error({ err, lease: this.name }, "lease holder failed to stop"),
    );
  }

  /**
   * The fencing check before every send: refuses (NotLeaseHolder) unless this replica holds
   * the lease now — by its local deadline and by the row in Postgres (a newer token elsewhere means
   * another replica took over). A refusal also steps this replica down.
   */
  async fence(): Promise<number> {
    const token = this.token;
    if (token !== null && (await leaseIsCurrent(this.o.deps, this.name, this.holder, token))) return token;
    const reason =
      token === null
        ? "this replica does not hold the lease"
        : `lease token ${token} is no longer current (another replica took over)`;
    if (token !== null) this.busy = this.busy.then(() => this.lose(reason));
    throw new NotLeaseHolder(this.name, token, reason);
  }

  /** Stops polling; releases the lease when held (graceful shutdown) so a follower takes over now. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.busy;
    const term = this.term;
    if (!term) return;
    await this.lose("shut down");
    await releaseLease(this.o.deps, this.name, this.holder, term.token).catch((err: unknown) =>
      this.o.logger?.warn({ err, lease: this.name }, "lease release failed"),
    );
  }

  /** Stops the timer without releasing anything (tests: what a kill -9 leaves behind). */
  abandon(): void {
    this.running = false;
    clearTimeout(this.timer);
  }
}

/**
 * The longest a singleton stays without a holder after its holder dies without releasing (kill -9):
 * the dead holder's last renewal may have just happened (its term then lasts `ttlMs`), and a
 * follower notices at its next poll, up to `renewMs` later.
 */
export function takeoverBoundMs(ttlMs: number, renewMs = Math.max(50, Math.floor(ttlMs / 3))): number {
  return ttlMs + renewMs;
}
