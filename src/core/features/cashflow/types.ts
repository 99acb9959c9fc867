/** Types of the cashflow feature. Dates are ISO `YYYY-MM-DD` (UTC days); money is integer minor units. */

/** One stage of a pipeline as the cashflow rules read it (from the `stages` table). */
export interface StageRule {
  id: string;
  pipelineId: string;
  name: string;
  position: number;
  /** Probability the deal closes, 0..1; the weight applied to the deal's value. */
  probability: number;
  /** Typical days a deal spends in the stage. */
  cycleDays: number;
  isInvoiced: boolean;
  isWon: boolean;
  isLost: boolean;
}

/** The knobs of the deterministic rules; `DEFAULT_RULES` holds the documented defaults. */
export interface CashflowRules {
  /** Stages of every pipeline of the tenant (any order; sorted by position where needed). */
  stages: StageRule[];
  /** Payment terms when the deal has none. */
  defaultTermsDays: number;
  /** A deal more than this many days in its stage is stuck and gets the penalty. */
  stuckAfterDays: number;
  stuckPenaltyDays: number;
  /** LLM predictions below this confidence are overridden by the rules. */
  minLlmConfidence: number;
  /** Dates further out than this many days get a warning. */
  warnBeyondDays: number;
}

/** The deal fields the rules need; `DealRow` from deals/queries satisfies it. */
export interface CashflowDeal {
  id: string;
  name: string;
  valueMinor: number;
  currency: string;
  stageId: string;
  stageName: string;
  stageEnteredAt: Date;
  paymentTermsDays: number | null;
  probability: number;
}

/** Stable ids of the rules, listed in the assumptions report. */
export type RuleId =
  | "remaining_in_stage"
  | "later_stage_cycles"
  | "no_invoiced_stage"
  | "invoiced_stage"
  | "payment_terms"
  | "default_terms"
  | "stuck_penalty"
  | "clamp_invoice_after_today"
  | "clamp_payment_after_invoice"
  | "overdue_payment"
  | "warn_beyond_year"
  | "probability_weight"
  | "llm_prediction"
  | "llm_overridden_low_confidence"
  | "llm_overridden_too_early"
  | "llm_failed";

/** Predicted invoice and payment of one open deal, with the reasoning behind the dates. */
export interface DealProjection {
  dealId: string;
  dealName: string;
  currency: string;
  stageName: string;
  daysInStage: number;
  valueMinor: number;
  probability: number;
  /** `round(valueMinor × probability)` — the only rounding in the feature. */
  weightedMinor: number;
  invoiceOn: string;
  paidOn: string;
  /** Payment terms used (the deal's, else the default). */
  termsDays: number;
  /** The deal sits in an invoiced stage: its invoice date is a fact, not a prediction. */
  invoicedStage: boolean;
  method: "rules" | "llm";
  /** Model confidence when an LLM prediction was asked for. */
  confidence?: number;
  rules: RuleId[];
  /** Human-readable reasoning, one line per rule applied. */
  steps: string[];
  warnings: string[];
}

export type BucketKind = "week" | "month";

export interface Amounts {
  invoicedMinor: number;
  invoicedWeightedMinor: number;
  collectedMinor: number;
  collectedWeightedMinor: number;
  /** Deals invoiced / paid (in the bucket, for a Bucket). */
  invoiceCount: number;
  paymentCount: number;
}

/** A reporting period, clipped to the horizon window; `end` inclusive; its amounts. */
export interface Bucket extends Amounts {
  start: string;
  end: string;
  label: string;
}

export interface Aggregation {
  bucket: BucketKind;
  /** Window (from, to], as ISO days: `from` is today. */
  from: string;
  to: string;
  buckets: Bucket[];
  /** Sums over the window; equal to the bucket sums. */
  inHorizon: Amounts;
  /** Money predicted after the window. */
  beyond: Amounts;
  /** Invoices already issued (deals in an invoiced stage, dated on or before today). */
  past: Amounts;
}

/** Cash that arrives on a day (pipeline collections, open receivables). */
export interface Inflow {
  on: string;
  amountMinor: number;
}

/** Where the cash position and burn came from. */
export interface CashBasis {
  /** Latest `cash_balance` point, or null when the tenant has none. */
  openingMinor: number | null;
  openingOn?: string;
  openingSource: string;
  monthlyBurnMinor: number | null;
  burnSource: string;
}

export type Runway =
  | { kind: "days"; days: number; on: string }
  | { kind: "beyond"; days: number }
  | { kind: "unknown"; reason: string };

export interface CashProjection {
  basis: CashBasis;
  /** Balance (or net change from today when no opening balance) at the end of each bucket. */
  positions: { label: string; end: string; balanceMinor: number }[];
  balanceAtHorizonMinor: number;
  runway: Runway;
}

export interface ScenarioSpec {
  dealId: string;
  slipDays: number;
}
