import type { Deps } from "../../deps.js";
import type { Handler } from "../../intents/dispatcher.js";
import { buildDigest } from "./build.js";
import { describeSchedule, nextOccurrence } from "./schedule.js";
import { getSubscription, setSubscription } from "./subscriptions.js";

const DAY_MS = 86_400_000;

function localTime(at: Date, tz: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

/**
 * `digest daily 08:00 [TZ]`, `digest weekly mon 09:00 [TZ]`, `digest off`, `digest now` — the
 * digest subscription of the chat the command came from.
 */
export const digestSettingsHandler: Handler<"digest.settings"> = async (deps: Deps, intent, actor) => {
  const o = intent.origin;
  const target = { channel: o.channel, address: o.conversationId, threadId: o.threadId };
  const now = deps.clock.now();
  if (intent.cadence === "now") {
    const sub = await deps.db.tenantTx(actor.tenantId, (tx) => getSubscription(tx, target));
    const since = sub?.lastSentAt ?? new Date(now.getTime() - (sub?.cadence === "weekly" ? 7 : 1) * DAY_MS);
    const { reply } = await buildDigest(deps, actor.tenantId, {
      since,
      save: o.channel === "console",
      audience: actor,
    });
    return reply;
  }
  const sub = await setSubscription(deps, actor.tenantId, target, {
    cadence: intent.cadence,
    weekday: intent.weekday,
    time: intent.time,
    timezone: intent.timezone,
    userId: actor.userId,
  });
  if (sub.cadence === "off")
    return {
      text: "Digests are off for this chat. Turn them back on with `digest daily 08:00`.",
      meta: { subscriptionId: sub.id, cadence: "off" },
    };
  const next = nextOccurrence(sub, now);
  return {
    text: `Digest set for this chat: ${describeSchedule(sub)}.${next ? ` Next one: ${localTime(next, sub.timezone)}.` : ""}`,
    meta: { subscriptionId: sub.id, cadence: sub.cadence, next: next?.toISOString() },
  };
};
