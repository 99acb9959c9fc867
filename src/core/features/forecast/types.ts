import type { Frequency } from "./calendar.js";

/** Public result of a forecast: point forecasts, nested 80/95 % intervals and how good the model was. */
export interface ForecastResult {
  /** Chosen model, e.g. `ETS(M,Ad,M)`, `Theta`, or `Combination(ETS, Theta, Damped)`. */
  model: string;
  params?: Record<string, unknown>;
  forecast: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
  /** Rolling-origin backtest of the chosen model on the history (sMAPE in %, MASE seasonal-naive scaled). */
  backtest: { smape: number; mase: number | null; byStep?: number[]; origins: number };
  /** Every candidate tried with its backtest sMAPE (NaN when it could not be backtested). */
  candidates: { model: string; smape: number }[];
  /** Main seasonal period used (given or detected); 1 = none. */
  season: number;
  /** Every seasonal period modelled, shortest first (daily data can have 7 and 365). */
  seasons: number[];
  /** Where the periods came from: the caller, the series' dates, or the data's autocorrelation. */
  seasonFrom: "given" | "dates" | "data";
  /** Frequency read from the dates, when dates were given and regular. */
  frequency?: Frequency;
  /** Date of each forecast step, when the history came with regular dates. */
  dates?: string[];
  /** Periods the dates skipped, filled by interpolation. */
  missing?: number;
}

export interface ForecastOptions {
  /** Steps ahead to forecast. */
  horizon: number;
  /** Seasonal period (12 monthly, 7 daily with weekly pattern, 4 quarterly); wins over `dates`. */
  season?: number;
  /**
   * ISO date (YYYY-MM-DD) of every value. The seasonal periods follow from their frequency (daily → 7
   * and 365 when long enough, weekly → 52, monthly → 12, quarterly → 4), skipped periods are filled;
   * without dates (or with irregular ones) the period is read from the data.
   */
  dates?: readonly string[];
  /** Candidate names (see `MODEL_NAMES`); defaults to `DEFAULT_MODELS`. */
  models?: string[];
  /** true lets ARIMA into the default pool where its backtest favours it (slow; see WITH_ARIMA). */
  arima?: boolean;
  /** Number of backtest origins (default 3). */
  origins?: number;
}
