import type { DataScope } from "../auth/index.js";
import type { Measure, QueryWindow } from "./query.js";

/**
 * What every figure means, in ONE place: the executor computes exactly this, `sources?` shows this
 * text, and the same wording goes into every answer. Change a definition here and everything follows.
 */
export interface MeasureDefinition {
  label: string;
  /** Shown as the figure's source. */
  definition: string;
  unit: "money" | "count" | "days" | "pct" | "metric" | "rows";
  /** What the role must be allowed to see. */
  needs: "deals" | "invoices" | "cash" | "metrics";
  /** The window used when the question names none (undefined: a snapshot as of today). */
  defaultWindow?: QueryWindow;
}

export const DEFINITIONS: Record<Measure, MeasureDefinition> = {
  revenue: {
    label: "Revenue",
    definition:
      "sum of the daily revenue metric over the period (metric series revenue/sales); with no revenue metric, the invoices issued in the period",
    unit: "money",
    needs: "metrics",
    defaultWindow: { kind: "last_days", days: 30 },
  },
  invoiced: {
    label: "Invoiced",
    definition: "sum of invoices issued in the period (void invoices excluded)",
    unit: "money",
    needs: "invoices",
    defaultWindow: { kind: "relative", unit: "month", offset: 0 },
  },
  collected_cash: {
    label: "Cash collected",
    definition: "sum of payments received in the period",
    unit: "money",
    needs: "cash",
    defaultWindow: { kind: "last_days", days: 30 },
  },
  outstanding_balance: {
    label: "Owed to you",
    definition: "open invoices: amount minus payments received, as of today",
    unit: "money",
    needs: "invoices",
  },
  overdue_balance: {
    label: "Overdue",
    definition: "open invoices past their due date: amount minus payments received, as of today",
    unit: "money",
    needs: "invoices",
  },
  dso: {
    label: "DSO (days sales outstanding)",
    definition:
      "open receivables today ÷ amount invoiced in the period × days in the period (period: the last 90 days unless you name one)",
    unit: "days",
    needs: "invoices",
    defaultWindow: { kind: "last_days", days: 90 },
  },
  pipeline_value: {
    label: "Open pipeline",
    definition: "sum of the value of open deals (created in the period, if you name one)",
    unit: "money",
    needs: "deals",
  },
  deal_count: {
    label: "Deals",
    definition:
      "number of deals; won/lost deals are dated by when they entered the Won/Lost stage, open deals by when they were created",
    unit: "count",
    needs: "deals",
  },
  won_value: {
    label: "Won",
    definition: "sum of the value of deals won in the period (dated by when they entered the Won stage)",
    unit: "money",
    needs: "deals",
    defaultWindow: { kind: "last_days", days: 365 },
  },
  win_rate: {
    label: "Win rate",
    definition: "deals won ÷ deals closed (won + lost) in the period, by count",
    unit: "pct",
    needs: "deals",
    defaultWindow: { kind: "last_days", days: 365 },
  },
  avg_deal_size: {
    label: "Average deal size",
    definition: "average value of the deals won in the period",
    unit: "money",
    needs: "deals",
    defaultWindow: { kind: "last_days", days: 365 },
  },
  cycle_time: {
    label: "Sales cycle",
    definition: "average days from a deal's creation to entering the Won stage, for deals won in the period",
    unit: "days",
    needs: "deals",
    defaultWindow: { kind: "last_days", days: 365 },
  },
  deals: {
    label: "Deals",
    definition:
      "deals with their value, stage, owner and days in stage (open deals unless you ask otherwise)",
    unit: "rows",
    needs: "deals",
  },
  metric: {
    label: "Metric",
    definition:
      "the metric series' points in the period: summed for flows (orders, sessions), last value for levels (balances, percentages)",
    unit: "metric",
    needs: "metrics",
    defaultWindow: { kind: "last_days", days: 30 },
  },
  overview: {
    label: "Overview",
    definition: "a customer's open deals and, where your role allows, their open invoices",
    unit: "rows",
    needs: "deals",
  },
};

/** Is the measure visible to this scope at all? */
export function allowed(measure: Measure, scope: DataScope): boolean {
  const need = DEFINITIONS[measure].needs;
  if (need === "deals") return scope.deals !== "none";
  if (need === "invoices") return scope.invoices;
  if (need === "cash") return scope.cash;
  return scope.metrics;
}
