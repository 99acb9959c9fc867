/**
 * Overdue invoices ranked by cash impact: the money that would otherwise not be in within 30 days,
 * from the same payment-delay model the cash simulation draws from (the customer's own lateness,
 * mixed with the tenant's by `n / (n + prior)`, conditioned on the invoice being unpaid so far).
 * Chasing the top of this list moves the most cash forward. Pure.
 */
import type { Calibration } from "../cashflow/index.js";

export const IMPACT_WINDOW_DAYS = 30;
/** As in the simulation: an invoice later than anything on record pays after ~30 more days on average. */
const UNSEEN_MEAN_DAYS = 30;

export interface RankInput {
  id: string;
  number: string;
  customer: string;
  outstandingMinor: number;
  currency: string;
  daysOverdue: number;
}

export interface Ranked extends RankInput {
  /** P(paid within the window without chasing), given unpaid after `daysOverdue`. */
  pPaidSoon: number;
  /** outstanding × (1 − pPaidSoon), rounded to minor units. */
  impactMinor: number;
  /** Paid invoices of this customer behind the estimate. */
  customerHistory: number;
}

/** P(lateness ≤ overdue + window | lateness > overdue) from past lateness samples; null without any beyond. */
function conditional(samples: readonly number[], overdue: number, window: number): number | null {
  const beyond = samples.filter((x) => x > overdue);
  if (beyond.length === 0) return null;
  return beyond.filter((x) => x <= overdue + window).length / beyond.length;
}

const unseen = (window: number) => 1 - Math.exp(-window / UNSEEN_MEAN_DAYS);

export function pPaidWithin(
  cal: Calibration,
  customer: string,
  overdue: number,
  window = IMPACT_WINDOW_DAYS,
) {
  const tenant = conditional(cal.delays.samples, overdue, window) ?? unseen(window);
  const c = cal.delays.byCustomer.get(customer.trim().toLowerCase());
  if (!c) return { p: tenant, n: 0 };
  const own = conditional(c.samples, overdue, window) ?? unseen(window);
  const w = c.n / (c.n + cal.prior.customer);
  return { p: w * own + (1 - w) * tenant, n: c.n };
}

/** Biggest impact first; ties: the larger amount, then the longer overdue, then the number. */
export function rankByCashImpact(cal: Calibration, rows: readonly RankInput[]): Ranked[] {
  return rows
    .map((r) => {
      const { p, n } = pPaidWithin(cal, r.customer, Math.max(0, r.daysOverdue));
      return {
        ...r,
        pPaidSoon: p,
        impactMinor: Math.round(r.outstandingMinor * (1 - p)),
        customerHistory: n,
      };
    })
    .sort(
      (a, b) =>
        b.impactMinor - a.impactMinor ||
        b.outstandingMinor - a.outstandingMinor ||
        b.daysOverdue - a.daysOverdue ||
        a.number.localeCompare(b.number),
    );
}
