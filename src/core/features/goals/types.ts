/** Shared types of the goal planner and tracker. */
export type Aggregation = "sum" | "mean";

export interface MetricInfo {
  key: string;
  name: string;
  unit: string;
  frequency: "day" | "week" | "month";
}

export interface SeriesPoint {
  date: string;
  value: number;
}

/** How a goal's metric is measured; stored in `goals.query`. */
export interface GoalQuery {
  [k: string]: unknown;
  metric: string;
  aggregation: Aggregation;
  /** Points in the measuring window (30 daily points = a trailing 30-day total or mean). */
  windowPoints: number;
  frequency: MetricInfo["frequency"];
  /** Human description, e.g. "30-day total". */
  label: string;
}

/** What the user asked for, from rules and (optionally) the model. */
export interface GoalIntent {
  metric: string | null;
  /** "percent": change of the baseline by `value` %; "absolute": reach `value`. */
  target: { kind: "percent" | "absolute"; value: number } | null;
  deadline: string | null;
  horizonDays: number;
  direction: "increase" | "decrease";
  /** Which parts came from the model (the rest from rules). */
  fromModel: string[];
  /** A goal about a count of records (not a metric series), in words: "close 3 more deals". */
  understood?: string;
}

/** Growth statistics over one horizon: what history and the forecast say is plausible. */
export interface GrowthOutlook {
  horizonDays: number;
  history: { samples: number; p10: number; median: number; p90: number; best: number; worst: number } | null;
  forecast: {
    model: string;
    growth: number;
    lower80: number;
    upper80: number;
    endValue: number;
    smape: number;
  } | null;
}

export interface GoalCandidate {
  title: string;
  metric: string;
  baseline: number;
  target: number;
  deadline: string;
  rationale: string;
  unit?: string;
}

export type Criterion = "metric_exists" | "numeric_target" | "baseline_known" | "deadline" | "achievable";

export interface CriterionCheck {
  criterion: Criterion;
  ok: boolean;
  detail: string;
}

export interface Achievability {
  requiredGrowth: number;
  horizonDays: number;
  verdict: "likely" | "stretch" | "unrealistic" | "unknown";
  historyMedian: number | null;
  historyP90: number | null;
  historyBest: number | null;
  forecastGrowth: number | null;
  forecastUpper80: number | null;
  statement: string;
}

export interface GoalValidation {
  candidate: GoalCandidate;
  ok: boolean;
  checks: CriterionCheck[];
  achievability: Achievability | null;
}
