/**
 * One error type for the whole app. `code` is stable and machine-readable; `userMessage` is safe to
 * show in chat; `cause` keeps the original error for logs. Each edge (HTTP, chat, job) maps it once.
 * Expected outcomes (too little data, infeasible plan) are return values, not AppErrors.
 */
export type ErrorCode =
  | "config_invalid"
  | "db_unreachable"
  | "not_found"
  | "forbidden"
  | "bad_input"
  | "conflict"
  | "rate_limited"
  | "budget_exceeded"
  | "provider_error"
  | "timeout"
  | "internal";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    userMessage: string,
    opts: { cause?: unknown; retryable?: boolean; detail?: string } = {},
  ) {
    super(opts.detail ?? userMessage, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage;
    this.retryable = opts.retryable ?? false;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Wraps anything thrown into an AppError; unknown errors become `internal` with a neutral message. */
export function asAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  return new AppError("internal", "Something went wrong on our side. It has been logged.", { cause: e });
}

/** Result type for expected outcomes. */
export type Result<T, R = string> = { ok: true; value: T } | { ok: false; reason: R };
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <R>(reason: R): { ok: false; reason: R } => ({ ok: false, reason });
