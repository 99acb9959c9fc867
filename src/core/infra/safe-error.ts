/**
 * Errors as they may be logged: a whitelist of fields, never the object itself. Client libraries
 * hang request configs (with `Authorization: Bearer xoxb-…`), response bodies and SQL parameters
 * (phone numbers, message text) on their errors; copying "everything but a few keys" leaked the
 * Slack bot token. So only these fields survive, and their text is scrubbed of credential shapes.
 */
const MAX_DEPTH = 4;
const MAX_TEXT = 2_000;

const SECRET_PATTERNS: [RegExp, string][] = [
  // Slack tokens (bot, user, app, refresh, config).
  [/xox[a-z]-[A-Za-z0-9-]+/g, "xox?-[redacted]"],
  [/xapp-[A-Za-z0-9-]+/g, "xapp-[redacted]"],
  // Meta Graph access tokens.
  [/EAA[A-Za-z0-9]{16,}/g, "EAA[redacted]"],
  // OpenAI-style keys.
  [/sk-[A-Za-z0-9_-]{12,}/g, "sk-[redacted]"],
  // Stripe secret / restricted keys and webhook signing secrets.
  [/\b(sk|rk)_(live|test)_[A-Za-z0-9*]+/g, "$1_$2_[redacted]"],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, "whsec_[redacted]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  // Passwords in connection URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):[^@/\s]+@/gi, "$1:***@"],
  // access_token=…, client_secret=…, token=… in query strings or form bodies.
  [
    /\b(access_token|refresh_token|client_secret|api_token|api_key|token|secret|password|key)=[^&\s"]+/gi,
    "$1=[redacted]",
  ],
  // Phone numbers and other long digit runs (ids stay useful by their shape, not their digits).
  [/\+?\d[\d ]{8,}\d/g, "[number]"],
];

/** Removes credential shapes, SQL parameters and long digit runs from a message or stack. */
export function scrubText(text: string): string {
  // drizzle: "Failed query: <sql>\nparams: <values>" — the values are user data; keep the SQL.
  let out = text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, "\nparams: [redacted]");
  for (const [re, by] of SECRET_PATTERNS) out = out.replace(re, by);
  return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT)}…` : out;
}

export interface SafeError {
  type: string;
  message: string;
  code?: string | number;
  status?: number;
  /** Slack's `error` (e.g. channel_not_found) or Graph's error code. */
  apiError?: string | number;
  retryable?: boolean;
  /** Postgres: which constraint/table failed — names, never values. */
  constraint?: string;
  table?: string;
  column?: string;
  syscall?: string;
  stack?: string;
  cause?: SafeError;
  original?: SafeError;
  errors?: SafeError[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const code = (v: unknown): string | number | undefined =>
  typeof v === "string" || typeof v === "number" ? v : undefined;

/** The loggable shape of anything thrown. Non-errors become `{ type, message }` of their type only. */
export function safeError(e: unknown, depth = 0): SafeError {
  if (e === null || typeof e !== "object") {
    return { type: typeof e, message: typeof e === "string" ? scrubText(e) : String(e).slice(0, 100) };
  }
  const o = e as Record<string, unknown>;
  const data = o.data as Record<string, unknown> | undefined;
  const response = o.response as Record<string, unknown> | undefined;
  const out: SafeError = {
    type: str(o.name) ?? (e as object).constructor?.name ?? "Object",
    message: scrubText(str(o.message) ?? ""),
  };
  const c = code(o.code) ?? code(o.errno);
  if (c !== undefined) out.code = c;
  const status = o.status ?? o.statusCode ?? response?.status;
  if (typeof status === "number") out.status = status;
  const apiError = code(data?.error) ?? code((data?.error as { code?: unknown } | undefined)?.code);
  if (apiError !== undefined) out.apiError = apiError;
  if (typeof o.retryable === "boolean") out.retryable = o.retryable;
  const constraint = str(o.constraint_name) ?? str(o.constraint);
  if (constraint) out.constraint = constraint;
  const table = str(o.table_name) ?? str(o.table);
  if (table) out.table = table;
  const column = str(o.column_name) ?? str(o.column);
  if (column) out.column = column;
  if (str(o.syscall)) out.syscall = str(o.syscall);
  if (str(o.stack)) out.stack = scrubText(str(o.stack)!);
  if (depth < MAX_DEPTH) {
    if (o.cause !== undefined) out.cause = safeError(o.cause, depth + 1);
    if (o.original !== undefined) out.original = safeError(o.original, depth + 1);
    if (Array.isArray(o.errors)) out.errors = o.errors.slice(0, 5).map((x) => safeError(x, depth + 1));
  }
  return out;
}
