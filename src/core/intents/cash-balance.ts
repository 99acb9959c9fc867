/** Metric names that mean the bank balance: forecast by the cash engine, never by curve fitting. */
export const isCashBalanceMetric = (metric: string): boolean =>
  /^(cash[ _-]?balance|cash|balance|bank balance|cash position)$/i.test(metric.trim());
