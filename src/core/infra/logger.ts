import { type Logger, pino } from "pino";
import { safeError } from "./safe-error.js";
import { currentTraceIds } from "./telemetry/trace.js";

export type { Logger };

/**
 * Paths redacted from every log line: credentials, phone numbers and message text.
 * Anything user-typed or secret must be logged under one of these keys (or not at all).
 */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  'req.headers["x-slack-signature"]',
  'req.headers["x-hub-signature-256"]',
  "text",
  "*.text",
  "phone",
  "*.phone",
  "email",
  "*.email",
  "body",
  "*.body",
  "*.databaseUrl",
  "*.redisUrl",
  // Request configs and SQL parameters, should an object carrying them be logged under another key.
  "headers",
  "*.headers",
  "config",
  "*.config",
  "params",
  "*.params",
  "parameters",
  "*.parameters",
];

/** A log file for one-shot CLI commands (folder created on demand), written synchronously so a
 * process that exits right after an error still has its last line on disk. */
export function logFileDestination(path: string): pino.DestinationStream {
  return pino.destination({ dest: path, mkdir: true, sync: true });
}

export function createLogger(
  opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      name: opts.name ?? "keel",
      level: opts.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      // Errors are logged through a whitelist (safe-error.ts): type, message, codes, stack, causes.
      serializers: { err: safeError, error: safeError },
      // trace_id/span_id of the active span (tracing on): a log line and its trace find each other.
      mixin: () => currentTraceIds() ?? {},
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination ?? pino.destination(2),
  );
}
