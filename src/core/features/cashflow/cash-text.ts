/** The words every cash surface uses for the runways and the headline (a leaf: no feature imports). */
import { formatMoney, formatNumber } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import { addDaysIso } from "./dates.js";
import { bandOn, type CashOutlook, type CashRunway } from "./outlook.js";
import type { Runway } from "./types.js";

/** Expected runway (the simulation's median day below zero) in words. */
export function runwayText(r: Runway): string {
  if (r.kind === "days") return `${plural(r.days, "day")} (cash runs out around ${r.on})`;
  if (r.kind === "beyond") return `more than ${Math.round(r.days / 365)} years`;
  return `unknown — ${r.reason}`;
}

/** Cash runway (balance ÷ burn, no new money) in words. */
export function cashRunwayText(r: CashRunway): string {
  if (r.kind === "months")
    return `${formatNumber(r.months, 1)} months (balance ÷ burn, no new money; out around ${r.on})`;
  if (r.kind === "no_burn") return "no burn recorded, so the balance does not run down";
  return `unknown — ${r.reason}`;
}

export const pct = (p: number) => `${Math.round(p * 100)} %`;

/**
 * The cash headline every surface prints (reply, digest, App Home): today's balance, both runway
 * definitions, the balance at the horizon with its band and the chance of going below zero.
 */
export function cashHeadline(o: CashOutlook): string {
  const c = o.currency;
  const end = bandOn(o, addDaysIso(o.today, o.horizonDays));
  if (o.basis.openingMinor === null)
    return (
      `Cash today is unknown (no cash_balance series), so no runway. Net change by ${end?.on ?? "the horizon"}: ` +
      `${formatMoney(end?.p50 ?? 0, c)} (P10–P90 ${formatMoney(end?.p10 ?? 0, c)} to ${formatMoney(end?.p90 ?? 0, c)}).`
    );
  const drivers = o.drivers.filter((d) => d.impactMinor > 0).map((d) => d.label);
  return (
    `Cash today ${formatMoney(o.basis.openingMinor, c)}. Cash runway ${cashRunwayText(o.cashRunway)}. ` +
    `Expected runway ${runwayText(o.expectedRunway)} — the median of ${o.paths} simulated paths counting open invoices and deals as they are likely to pay. ` +
    (end
      ? `Balance on ${end.on} (day ${end.day}): ${formatMoney(end.p50, c)}, P10–P90 ${formatMoney(end.p10, c)} to ${formatMoney(end.p90, c)}` +
        (o.negative ? `; chance of going below zero by then ${pct(o.negative.probability)}.` : ".")
      : "") +
    (drivers.length ? ` Biggest swings: ${drivers.join("; ")}.` : "")
  );
}
