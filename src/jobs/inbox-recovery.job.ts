import { pruneTurns, takeOverStale } from "../core/features/inbox/index.js";
import { forEachLimit } from "../core/kernel/concurrency.js";
import type { JobDefinition } from "./types.js";

const KEEP_TURNS_MS = 7 * 24 * 3_600_000;

/**
 * Every 5 seconds (and once on start): inbound turns whose worker died — lease run out, e.g. a
 * kill -9 between the ack and the answer — or whose answer could not be delivered are taken over
 * and handed to their channel to answer (late, replacing a stale placeholder). One replica runs each
 * slot; the takeover itself is one UPDATE … SKIP LOCKED, so a turn goes to one worker. Turns shed
 * at a full queue ("busy") are answered here too, as fast as the channel's queue has room. Turns that
 * failed TURN_MAX_ATTEMPTS times are given up; finished turns older than 7 days are pruned.
 */
export const inboxRecoveryJob: JobDefinition = {
  name: "inbox-recovery",
  schedule: "*/5 * * * * *",
  trace: false,
  description: "Answers inbound turns left unanswered by a crash or an outage",
  leaseMs: 60_000,
  async run(deps, ctx) {
    // Taken over as this process (TURN_OWNER), whose lease keeper renews them while they are answered;
    // no more per channel than its queue has room for (turns shed when busy wait for room).
    const turns: Awaited<ReturnType<typeof takeOverStale>>["turns"] = [];
    let gaveUp = 0;
    let waiting = 0;
    for (const [name, a] of deps.channels.entries()) {
      if (!a.resumeTurn) continue;
      const room = Math.min(50, a.resumeRoom?.() ?? 50);
      if (room <= 0) {
        waiting++;
        continue;
      }
      const r = await takeOverStale(deps, [name], room);
      turns.push(...r.turns);
      gaveUp += r.gaveUp;
    }
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
    return { resumed: turns.length, gaveUp, pruned, ...(waiting ? { channelsFull: waiting } : {}) };
  },
};
