import { z } from "zod";
import { envBool as bool, envUrl as url } from "../../kernel/env.js";

/**
 * The standard OpenTelemetry variables Keel reads (traces only). Tracing is off unless an OTLP
 * endpoint is set or OTEL_TRACES_EXPORTER names an exporter; OTEL_SDK_DISABLED=true always wins.
 * Only OTLP over HTTP with JSON bodies is shipped (@opentelemetry/exporter-trace-otlp-http).
 */
export const telemetryEnvSchema = z.object({
  OTEL_SDK_DISABLED: bool.default(false),
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "console", "none"]).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(["http", "https"]).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(["http", "https"]).optional(),
  /** `key=value,key2=value2` (e.g. an API key for a hosted backend): sent, never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(["http/json"], { message: "only http/json is supported (OTLP over HTTP with JSON bodies)" })
    .optional(),
  OTEL_SERVICE_NAME: z.string().default("keel"),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  /** Read by the SDK itself: always_on, traceidratio, parentbased_traceidratio, … */
  OTEL_TRACES_SAMPLER: z.string().optional(),
  OTEL_TRACES_SAMPLER_ARG: z.string().optional(),
});

export type TelemetryEnv = z.infer<typeof telemetryEnvSchema>;

/** Which exporter to start, or null: tracing off (the default). */
export function tracesExporter(env: TelemetryEnv): "otlp" | "console" | null {
  if (env.OTEL_SDK_DISABLED || env.OTEL_TRACES_EXPORTER === "none") return null;
  if (env.OTEL_TRACES_EXPORTER) return env.OTEL_TRACES_EXPORTER;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT ? "otlp" : null;
}

/** Where spans go: the traces endpoint as given, else `<endpoint>/v1/traces`, else the local default. */
export function tracesUrl(env: TelemetryEnv): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT)
    return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return "http://localhost:4318/v1/traces";
}

/**
 * A W3C-style `key=value,…` list (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES) → a record, values
 * percent-decoded as the spec says; a pair with a malformed escape is skipped rather than stop start-up.
 */
export function keyValueList(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? "").split(",")) {
    const i = pair.indexOf("=");
    if (i <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim());
    } catch {
      // skipped
    }
  }
  return out;
}

/** OTEL_EXPORTER_OTLP_HEADERS → a header record. */
export const otlpHeaders = (env: TelemetryEnv): Record<string, string> =>
  keyValueList(env.OTEL_EXPORTER_OTLP_HEADERS);
