import cron from "node-cron";

interface Fields {
  second: Set<number>;
  minute: Set<number>;
  hour: Set<number>;
  dayOfMonth: Set<number>;
  month: Set<number>;
  dayOfWeek: Set<number>;
  seconds: number[];
}

const cache = new Map<string, Fields>();

function fields(expr: string): Fields {
  let f = cache.get(expr);
  if (!f) {
    const p = cron.parse(expr);
    const num = (xs: (number | string)[]) => new Set(xs.map(Number));
    // node-cron accepts 7 for Sunday too.
    const dow = new Set([...num(p.dayOfWeek)].map((d) => d % 7));
    f = {
      second: new Set(p.second),
      minute: new Set(p.minute),
      hour: new Set(p.hour),
      dayOfMonth: num(p.dayOfMonth),
      month: new Set(p.month),
      dayOfWeek: dow,
      seconds: [...p.second].sort((a, b) => b - a),
    };
    cache.set(expr, f);
  }
  return f;
}

/** Longest look-back for the latest slot (covers weekly and monthly-on-a-weekday schedules). */
const MAX_LOOKBACK_MINUTES = 40 * 24 * 60;

/**
 * The latest instant ≤ `now` matching a node-cron expression, evaluated in UTC. Catch-up after
 * downtime runs this one slot only — however many were missed.
 */
export function previousSlot(expr: string, now: Date): Date | null {
  const f = fields(expr);
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  let minuteStart = Math.floor(nowMs / 60_000) * 60_000;
  for (let i = 0; i < MAX_LOOKBACK_MINUTES; i++, minuteStart -= 60_000) {
    const d = new Date(minuteStart);
    if (
      !f.minute.has(d.getUTCMinutes()) ||
      !f.hour.has(d.getUTCHours()) ||
      !f.dayOfMonth.has(d.getUTCDate()) ||
      !f.month.has(d.getUTCMonth() + 1) ||
      !f.dayOfWeek.has(d.getUTCDay())
    )
      continue;
    const limit = i === 0 ? (nowMs - minuteStart) / 1000 : 59;
    const sec = f.seconds.find((s) => s <= limit);
    if (sec !== undefined) return new Date(minuteStart + sec * 1000);
  }
  return null;
}

/** True when node-cron accepts the expression. */
export const validSchedule = (expr: string): boolean => cron.validate(expr);
