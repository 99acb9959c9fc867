import { AppError } from "../../kernel/errors.js";

/**
 * Sub-codes of `provider_error` (and friends) so callers and the ledger can tell failures apart
 * without parsing messages. The sub-code is also the first word of the AppError's detail.
 */
export type LlmSubCode =
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "connection"
  | "auth"
  | "bad_request"
  | "bad_response"
  | "circuit_open"
  | "invalid_output"
  | "offline_unsupported"
  | "all_providers_failed"
  /** This tenant's queue of model requests in this replica is full (load shed, see tenant-queues). */
  | "overloaded"
  | "context_overflow"
  | "prompt_unknown"
  | "prompt_variable_missing"
  | "prompt_invalid";

const USER_MESSAGES: Partial<Record<LlmSubCode, string>> = {
  invalid_output: "The language model returned an answer I could not use.",
  context_overflow: "That message is too long for me to read in one go. Please shorten it or split it up.",
  all_providers_failed: "No language model is reachable right now.",
  overloaded:
    "I'm answering a lot of questions for your company right now — please ask again in a minute for a full answer.",
  offline_unsupported: "This needs a language model, and none is available right now.",
};

/** A typed gateway error: an AppError whose `subCode` says what went wrong. */
export class LlmError extends AppError {
  readonly subCode: LlmSubCode;
  /** Seconds/ms hints for the resilience layer; never shown to users. */
  readonly retryAfterMs?: number;
  readonly status?: number;

  constructor(
    subCode: LlmSubCode,
    detail: string,
    opts: {
      cause?: unknown;
      retryAfterMs?: number;
      status?: number;
      userMessage?: string;
      code?: "provider_error" | "bad_input" | "timeout";
    } = {},
  ) {
    const code =
      opts.code ??
      (subCode === "context_overflow" ? "bad_input" : subCode === "timeout" ? "timeout" : "provider_error");
    super(
      code,
      opts.userMessage ?? USER_MESSAGES[subCode] ?? "The language model is not available right now.",
      {
        cause: opts.cause,
        detail: `${subCode}: ${detail}`,
        retryable: ["rate_limited", "server_error", "timeout", "connection", "bad_response"].includes(
          subCode,
        ),
      },
    );
    this.name = "LlmError";
    this.subCode = subCode;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
    if (opts.status !== undefined) this.status = opts.status;
  }
}

export function isLlmError(e: unknown): e is LlmError {
  return e instanceof LlmError;
}

/** Parses a Retry-After header (seconds or HTTP date; also OpenAI's `retry-after-ms`) into ms. */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const v = headers.get("retry-after");
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.max(0, Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Maps an HTTP status to a sub-code. */
export function subCodeForStatus(status: number | undefined): LlmSubCode {
  if (status === undefined) return "connection";
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 408) return "timeout";
  if (status >= 500) return "server_error";
  return "bad_request";
}
