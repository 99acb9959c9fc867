import type { Logger } from "../logger.js";
import { keyValueList, otlpHeaders, type TelemetryEnv, tracesExporter, tracesUrl } from "./config.js";
import {
  type Attrs,
  formatTraceparent,
  installTracing,
  parseTraceparent,
  type SpanHandle,
  type SpanOptions,
  type TracingImpl,
} from "./trace.js";

export interface Tracing {
  /** Exports what is buffered now (tests, shutdown). */
  flush(): Promise<void>;
  /** Flushes, then stops tracing and unregisters the SDK. */
  shutdown(): Promise<void>;
}

/** `key=value,…` (OTEL_RESOURCE_ATTRIBUTES) → attributes. */
const resourceAttributes = (env: TelemetryEnv) => keyValueList(env.OTEL_RESOURCE_ATTRIBUTES);

const clean = (a: Attrs | undefined) => {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(a ?? {})) if (v !== undefined) out[k] = v;
  return out;
};

/** What a failure is called on a span: its code or type, never its message (it can carry data). */
function errorType(err: unknown): string {
  const e = err as { code?: unknown; subCode?: unknown; name?: unknown } | null;
  const code = typeof e?.subCode === "string" ? e.subCode : typeof e?.code === "string" ? e.code : undefined;
  const name = typeof e?.name === "string" ? e.name : "Error";
  return code ? `${name}:${code}` : name;
}

/**
 * Starts tracing when the OTEL_* settings ask for it (see config.ts), or returns null. The SDK, the
 * exporter and @opentelemetry/api are imported here and only here, so with tracing off none of them
 * is loaded. Spans are batched and sent with OTLP/HTTP (JSON) to the configured endpoint.
 */
export async function startTracing(
  env: TelemetryEnv,
  logger: Logger,
  opts: { version?: string } = {},
): Promise<Tracing | null> {
  const which = tracesExporter(env);
  if (!which) return null;
  const api = await import("@opentelemetry/api");
  const sdk = await import("@opentelemetry/sdk-trace-node");
  const { resourceFromAttributes } = await import("@opentelemetry/resources");
  let processor: InstanceType<typeof sdk.BatchSpanProcessor> | InstanceType<typeof sdk.SimpleSpanProcessor>;
  if (which === "console") processor = new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter());
  else {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    processor = new sdk.BatchSpanProcessor(
      new OTLPTraceExporter({ url: tracesUrl(env), headers: otlpHeaders(env) }),
    );
  }
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({
      ...resourceAttributes(env),
      "service.name": env.OTEL_SERVICE_NAME,
      ...(opts.version ? { "service.version": opts.version } : {}),
    }),
    spanProcessors: [processor],
  });
  // Global context manager (AsyncLocalStorage) and W3C propagator, as the SDK registers them.
  provider.register();
  const tracer = provider.getTracer("keel", opts.version);
  const KINDS = {
    server: api.SpanKind.SERVER,
    client: api.SpanKind.CLIENT,
    internal: api.SpanKind.INTERNAL,
    producer: api.SpanKind.PRODUCER,
    consumer: api.SpanKind.CONSUMER,
  } as const;
  const remote = (tp: string | null | undefined) => {
    const p = parseTraceparent(tp);
    return p ? { traceId: p.traceId, spanId: p.spanId, traceFlags: p.flags, isRemote: true } : null;
  };
  const activeContext = () => {
    const sc = api.trace.getSpan(api.context.active())?.spanContext();
    return sc && api.isSpanContextValid(sc) ? sc : undefined;
  };
  const impl: TracingImpl = {
    run(name: string, o: SpanOptions, fn: (span: SpanHandle) => Promise<unknown>) {
      if (o.onlyInTrace && !activeContext()) return fn({ setAttributes() {}, setName() {}, fail() {} });
      let parent = o.root ? api.ROOT_CONTEXT : api.context.active();
      const given = remote(o.parent);
      if (given) parent = api.trace.setSpanContext(api.ROOT_CONTEXT, given);
      const links = (o.links ?? []).flatMap((l) => {
        const sc = remote(l);
        return sc ? [{ context: sc }] : [];
      });
      return tracer.startActiveSpan(
        name,
        { kind: KINDS[o.kind ?? "internal"], attributes: clean(o.attributes), links },
        parent,
        async (s) => {
          let failed = false;
          const handle: SpanHandle = {
            setAttributes: (a) => s.setAttributes(clean(a)),
            setName: (n) => s.updateName(n),
            fail: (err) => {
              failed = true;
              s.setStatus({ code: api.SpanStatusCode.ERROR });
              s.setAttribute("error.type", errorType(err));
            },
          };
          try {
            return await fn(handle);
          } catch (e) {
            if (!failed) handle.fail(e);
            throw e;
          } finally {
            s.end();
          }
        },
      );
    },
    traceparent() {
      const sc = activeContext();
      return sc ? formatTraceparent(sc.traceId, sc.spanId, sc.traceFlags) : undefined;
    },
    ids() {
      const sc = activeContext();
      return sc ? { trace_id: sc.traceId, span_id: sc.spanId } : undefined;
    },
  } as TracingImpl;
  installTracing(impl);
  logger.info(
    { exporter: which, ...(which === "otlp" ? { endpoint: safeEndpoint(tracesUrl(env)) } : {}) },
    "tracing started",
  );
  return {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      installTracing(null);
      await provider.shutdown().catch((err: unknown) => logger.warn({ err }, "tracing shutdown failed"));
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    },
  };
}

/** The endpoint for the log line, without credentials or query. */
function safeEndpoint(u: string): string {
  try {
    const url = new URL(u);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return "(unparseable URL)";
  }
}
