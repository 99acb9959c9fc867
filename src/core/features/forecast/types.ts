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
  /** Seasonal period used (given or detected). */
  season: number;
}

export interface ForecastOptions {
  /** Steps ahead to forecast. */
  horizon: number;
  /** Seasonal period (12 monthly, 7 daily with weekly pattern, 4 quarterly); detected when omitted. */
  season?: number;
  /** Candidate names (see `MODEL_NAMES`); defaults to `DEFAULT_MODELS`. */
  models?: string[];
  /** Number of backtest origins (default 3). */
  origins?: number;
}
