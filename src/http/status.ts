import type { ErrorCode } from "../core/kernel/errors.js";

export type ErrorStatus = 400 | 403 | 404 | 409 | 429 | 500 | 502 | 503 | 504;

/**
 * AppError codes as HTTP statuses, one table for the whole HTTP edge (plain routes and the REST
 * API); keyed by every ErrorCode, so a new code must be given its status here.
 */
export const STATUS_BY_CODE: Record<ErrorCode, ErrorStatus> = {
  bad_input: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  budget_exceeded: 429,
  provider_error: 502,
  timeout: 504,
  db_unreachable: 503,
  config_invalid: 500,
  internal: 500,
};

/** The HTTP status for an AppError code; 500 for a code this edge does not know. */
export function statusOf(code: string): ErrorStatus {
  return STATUS_BY_CODE[code as ErrorCode] ?? 500;
}
