import { pruneTurns, takeOverStale } from "../core/features/inbox/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import type { JobDefinition } from "./types.js";

const KEEP_TURNS_MS = 7 * 24 * 3_600_000;

/**
 * Every 5 seconds (and once on start): inbound turns whose worker died — lease run out, e.g. a
 * kill -9 between the ack and the answer — or whose answer could not be delivered are taken over
 * and handed to their channel to answer (late, replacing a stale placeholder). One replica runs each
 * slot; the takeover itself is one UPDATE … SKIP LOCKED, so a turn goes to one worker. Turns that
 * failed TURN_MAX_ATTEMPTS times are given up; finished turns older than 7 days are pruned.
 */
export const inboxRecoveryJob: JobDefinition = {
  name: "inbox-recovery",
  schedule: "*/5 * * * * *",
  description: "Answers inbound turns left unanswered by a crash or an outage",
  leaseMs: 60_000,
  async run(deps, ctx) {
    const channels = [...deps.channels.entries()].filter(([, a]) => a.resumeTurn).map(([name]) => name);
    // Taken over as this process (TURN_OWNER), whose lease keeper renews them while they are answered.
    const { turns, gaveUp } = await takeOverStale(deps, channels, 50);
    await forEachLimit(
      turns,
      4,
      async (t) => {
        try {
          await deps.channels.get(t.channel)!.resumeTurn!(t);
        } catch (err) {
          ctx.log.error({ err, turnId: t.id, channel: t.channel }, "inbound turn not resumed");
        }
      },
      ctx.signal,
    );
    if (turns.length || gaveUp) ctx.log.warn({ resumed: turns.length, gaveUp }, "inbound turns recovered");
    const pruned =
      ctx.slot.getUTCMinutes() === 0 && ctx.slot.getUTCSeconds() === 0
        ? await pruneTurns(deps, new Date(ctx.now.getTime() - KEEP_TURNS_MS))
        : 0;
    return { resumed: turns.length, gaveUp, pruned };
  },
};
