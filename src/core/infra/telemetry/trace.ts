/**
 * Keel's tracing facade. Code everywhere calls `span()`; nothing here imports OpenTelemetry, so with
 * tracing off (the default) a span is one function call and the CLI loads nothing more. `keel start`
 * with OTEL_* set loads the SDK lazily (sdk.ts), which installs the real implementation.
 *
 * Attributes are identifiers, kinds, counts and codes only — never message text, SQL parameters,
 * tokens or phone numbers (a test scans exported spans for them).
 */

export type AttrValue = string | number | boolean;
export type Attrs = Record<string, AttrValue | undefined>;

export interface SpanOptions {
  attributes?: Attrs;
  kind?: "server" | "client" | "internal" | "producer" | "consumer";
  /** Parent from a W3C traceparent (an outbox row's); ignored when malformed. */
  parent?: string | null;
  /** Spans this one relates to without being their child (traceparents). */
  links?: (string | null | undefined)[];
  /** Start a new trace even inside another span (a job run). */
  root?: boolean;
  /** Only create the span inside an existing trace (database work, not idle sweeps). */
  onlyInTrace?: boolean;
}

export interface SpanHandle {
  setAttributes(attrs: Attrs): void;
  setName(name: string): void;
  /** Marks the span failed with the error's type and code (never its message). */
  fail(err: unknown): void;
}

/** What the SDK module installs. */
export interface TracingImpl {
  run<T>(name: string, opts: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T>;
  /** The active span as a W3C traceparent, or undefined. */
  traceparent(): string | undefined;
  /** Ids of the active span for log lines. */
  ids(): { trace_id: string; span_id: string } | undefined;
}

const NOOP_SPAN: SpanHandle = { setAttributes() {}, setName() {}, fail() {} };

let impl: TracingImpl | null = null;

/** Installed by sdk.ts when tracing starts; null when it stops. */
export function installTracing(t: TracingImpl | null): void {
  impl = t;
}

export function tracingActive(): boolean {
  return impl !== null;
}

/** Runs `fn` in a span (a no-op without tracing). Errors thrown by `fn` mark the span failed. */
export function span<T>(name: string, opts: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T> {
  return impl ? impl.run(name, opts, fn) : fn(NOOP_SPAN);
}

/** The active span's W3C traceparent (stored with work that continues later), or null. */
export function currentTraceparent(): string | null {
  return impl?.traceparent() ?? null;
}

/** trace_id/span_id of the active span for log lines; undefined without one. */
export function currentTraceIds(): { trace_id: string; span_id: string } | undefined {
  return impl?.ids();
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** A W3C traceparent's parts, or null when it is not one (or is the all-zero invalid id). */
export function parseTraceparent(
  value: string | null | undefined,
): { traceId: string; spanId: string; flags: number } | null {
  const m = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return null;
  return { traceId: m[1]!, spanId: m[2]!, flags: Number.parseInt(m[3]!, 16) };
}

export function formatTraceparent(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, "0")}`;
}
