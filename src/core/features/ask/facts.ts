import { formatMoney } from "../../kernel/format.js";
import { count, day, days, money, percent, type TypedFact } from "../provenance/index.js";
import type { Figure, QueryResult } from "./execute.js";

/**
 * One computed figure of this turn as a model phrasing the answer sees it: the typed fact the
 * provenance checker compares against (id, kind, value) plus how code wrote it (`display`) in the
 * tenant's locale. Built only from the executed query's result, so the model sees exactly what the
 * asker's role may see — nothing from the vocabulary, the history or other queries.
 */
export interface PhraseFact extends TypedFact {
  display: string;
}

/** A row of the result as the model gets it: its name (quoted data) and the ids of its facts. */
export interface PhraseRow {
  n: number;
  name: string;
  facts: string[];
  stage?: string;
  owner?: string;
  stuck?: boolean;
}

export interface AnswerFacts {
  facts: PhraseFact[];
  rows: PhraseRow[];
  /** The fact a reply must state (the answer first): the headline figure, else the first row's. */
  headline?: { factId: string; name?: string };
}

/** Figures as code writes them in replies (the same rules as the template). */
export function formatFigure(f: Figure, currency: string, locale: string): string {
  if (f.value === null) return "—";
  switch (f.unit) {
    case "money":
      return formatMoney(f.value, currency, locale);
    case "count":
      return new Intl.NumberFormat(locale).format(f.value);
    case "days":
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(f.value)} d`;
    case "pct":
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(f.value)} %`;
    default:
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(f.value)}${f.unitLabel ? ` ${f.unitLabel}` : ""}`;
  }
}

function typed(id: string, f: Figure, currency: string, label: string): TypedFact | null {
  if (f.value === null) return null;
  switch (f.unit) {
    case "money":
      return money(id, f.value, currency, label);
    case "count":
      return count(id, f.value, label);
    case "days":
      return days(id, f.value, label);
    case "pct":
      return percent(id, f.value, label);
    default:
      return { id, kind: "number", value: f.value, label };
  }
}

const lastDay = (toExclusive: string) =>
  new Date(Date.parse(`${toExclusive}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The percentage change the template states ("+12.5 %"), rounded the same way. */
export function changePct(cur: number, prev: number): number | null {
  return prev !== 0 ? Math.round((1000 * (cur - prev)) / Math.abs(prev)) / 10 : null;
}

/** The computed result of one typed query as typed facts with ids. */
export function answerFacts(r: QueryResult, currency: string, locale: string): AnswerFacts {
  const facts: PhraseFact[] = [];
  const add = (fact: TypedFact | null, display: string) => {
    if (fact) facts.push({ ...fact, display });
  };
  const fig = (id: string, f: Figure, label: string) =>
    add(typed(id, f, currency, label), formatFigure(f, currency, locale));
  if (r.window) {
    add(day("period.first_day", r.window.from, "first day of the period"), r.window.from);
    const last = lastDay(r.window.to);
    add(day("period.last_day", last, r.window.toDate ? "today (period still running)" : "last day"), last);
    const len = Math.round((Date.parse(r.window.to) - Date.parse(r.window.from)) / 86_400_000);
    add(days("period.days", len, "days in the period"), `${len}`);
  }
  let headline: AnswerFacts["headline"];
  if (r.figure && r.figure.value !== null) {
    fig("answer.value", r.figure, r.title);
    headline = { factId: "answer.value" };
  }
  if (r.previous && r.previous.figure.value !== null) {
    fig("previous.value", r.previous.figure, `${r.title}, previous period`);
    add(
      day("previous.first_day", r.previous.window.from, "previous period's first day"),
      r.previous.window.from,
    );
    const last = lastDay(r.previous.window.to);
    add(day("previous.last_day", last, "previous period's last day"), last);
    const pct =
      r.figure?.value != null && r.previous.figure.value !== null
        ? changePct(r.figure.value, r.previous.figure.value)
        : null;
    if (pct !== null) add(percent("answer.change_pct", pct, "change vs previous period"), `${pct} %`);
  }
  for (const [i, t] of (r.targets ?? []).entries()) {
    const n = i + 1;
    const num = (v: number) => ({ kind: "number" as const, value: v });
    if (t.actual !== null)
      add(
        { id: `targets.${n}.actual`, label: `${t.title}: actual`, ...num(t.actual) },
        `${t.actual} ${t.unit}`,
      );
    add(
      { id: `targets.${n}.target`, label: `${t.title}: target`, ...num(t.target) },
      `${t.target} ${t.unit}`,
    );
    add(
      { id: `targets.${n}.expected`, label: `${t.title}: on pace today`, ...num(t.expected) },
      `${t.expected} ${t.unit}`,
    );
    add(day(`targets.${n}.deadline`, t.deadline, `${t.title}: deadline`), t.deadline);
  }
  const rows: PhraseRow[] = [];
  for (const [i, row] of (r.rows ?? []).entries()) {
    const n = i + 1;
    const ids: string[] = [];
    if (row.figure.value !== null) {
      fig(`rows.${n}.value`, row.figure, row.label);
      ids.push(`rows.${n}.value`);
    }
    if (row.deal) {
      add(
        days(`rows.${n}.days_in_stage`, row.deal.daysInStage, `${row.label}: days in stage`),
        `${row.deal.daysInStage} d`,
      );
      ids.push(`rows.${n}.days_in_stage`);
    }
    rows.push({
      n,
      name: row.label,
      facts: ids,
      ...(row.deal
        ? { stage: row.deal.stage, owner: row.deal.owner ?? "unassigned", stuck: row.deal.stuck }
        : {}),
    });
  }
  if (r.rows?.length) {
    add(count("rows.count", r.rows.length, "rows listed"), String(r.rows.length));
    if (!headline && r.rows[0]!.figure.value !== null)
      headline = { factId: "rows.1.value", name: r.rows[0]!.label };
  }
  return { facts, rows, ...(headline ? { headline } : {}) };
}
