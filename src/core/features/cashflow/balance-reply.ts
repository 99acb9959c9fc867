import { resolveDay } from "../../kernel/calendar.js";
import { formatMoney } from "../../kernel/format.js";
import { bold } from "../../kernel/markdown/index.js";
import type { Reply } from "../../ports/reply.js";
import { cashRunwayText, runwayText } from "./cash-text.js";
import { diffDaysIso } from "./dates.js";
import { bandOn } from "./outlook.js";
import type { CashflowReport } from "./report.js";

const pct = (p: number) => `${Math.round(p * 100)} %`;

/** Resolves "end of next month" & co. to a day within the cash engine's reach, or says why not. */
export function balanceDay(
  phrase: string,
  today: string,
): { ok: true; on: string; label: string; days: number } | { ok: false; message: string } {
  const d = resolveDay(phrase, today);
  if (!d)
    return {
      ok: false,
      message: `I couldn't tell which day "${phrase}" is. Try \`cashflow on 2027-01-31\`, \`cashflow on end of next month\` or \`cashflow on in 6 weeks\`.`,
    };
  const days = diffDaysIso(today, d.on);
  if (days < 1)
    return { ok: false, message: `${d.on} is not in the future; the balance today is in \`cashflow\`.` };
  if (days > 730)
    return { ok: false, message: `${d.on} is more than two years out; Keel forecasts cash up to 730 days.` };
  return { ok: true, on: d.on, label: d.label, days };
}

/** One number for one day: the median balance with its P10–P90 band, the risk of dipping below zero and the drivers. */
export function balanceOnReply(r: CashflowReport, day: { on: string; label: string }): Reply {
  const o = r.outlook;
  const c = r.currency;
  const b = bandOn(o, day.on);
  const known = o.basis.openingMinor !== null;
  const what = known ? "Cash" : "Net change in cash (no cash_balance series, so not a balance)";
  const value = b
    ? `${formatMoney(b.p50, c)} (likely between ${formatMoney(b.p10, c)} and ${formatMoney(b.p90, c)}, P10–P90)`
    : "not computed";
  const risk =
    known && o.negative
      ? ` Chance the balance dips below zero before then: ${pct(o.negative.probability)}.`
      : "";
  const drivers = o.drivers.filter((d) => d.impactMinor > 0);
  const text =
    `${bold(`${what} on ${day.on}`)} (${day.label}): ${value}.${risk}` +
    (drivers.length
      ? `\nWhat moves it most: ${drivers.map((d) => `${d.label} (${formatMoney(d.amountMinor, c)}, arrives by then in ${pct(d.pArrive)} of paths)`).join("; ")}.`
      : "") +
    (known
      ? `\nCash runway ${cashRunwayText(o.cashRunway)}; expected runway ${runwayText(o.expectedRunway)}.`
      : "") +
    (o.dataGaps.length
      ? `\nData gap: ${o.dataGaps.length} invoiced-stage deal(s) have no invoice on file (${o.dataGaps.map((g) => g.dealName).join(", ")}).`
      : "");
  return {
    text,
    sources: [
      { label: "Cash position", detail: `${o.basis.openingSource}; burn: ${o.basis.burnSource}` },
      {
        label: "Cash simulation",
        detail: `${o.paths} seeded paths (seed ${o.seed}) over open deals (learned win rates and cycle times), open invoices (learned payment delays) and monthly burn`,
      },
    ],
    meta: {
      balanceOn: {
        on: day.on,
        label: day.label,
        p10: b?.p10 ?? null,
        p50: b?.p50 ?? null,
        p90: b?.p90 ?? null,
        probabilityNegative: o.negative?.probability ?? null,
        drivers: drivers.map((d) => ({ id: d.id, label: d.label, kind: d.kind, impactMinor: d.impactMinor })),
        cashRunway: o.cashRunway,
        expectedRunway: o.expectedRunway,
        currency: c,
      },
    },
  };
}
