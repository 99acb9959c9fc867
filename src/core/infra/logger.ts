import { type Logger, pino } from "pino";

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
];

export function createLogger(
  opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      name: opts.name ?? "keel",
      level: opts.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination ?? pino.destination(2),
  );
}
