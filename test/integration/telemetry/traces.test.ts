import { createRequire } from "node:module";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { deliverDue, enqueue } from "../../../src/core/features/outbox/index.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { outbox } from "../../../src/core/infra/db/schema/index.js";
import { createLogger } from "../../../src/core/infra/logger.js";
import { startTracing, type Tracing } from "../../../src/core/infra/telemetry/sdk.js";
import { tracingActive } from "../../../src/core/infra/telemetry/trace.js";
import { createScheduler } from "../../../src/jobs/index.js";
import type { JobDefinition } from "../../../src/jobs/types.js";
import { type FakeOpenAi, startFakeOpenAi } from "../../support/fake-openai-server.js";
import {
  OtlpReceiver,
  type ReceivedSpan,
  type OtlpReceiver as Receiver,
} from "../../support/otlp-receiver.js";
import { soloOwnerPolicy } from "../../support/solo-owner.js";
import { BOT_TOKEN, createHarness, type Harness, SIGNING_SECRET } from "../slack/harness.js";
import { APP_SECRET, type CloudHarness, cloudHarness, TOKEN, text } from "../whatsapp/cloud-harness.js";

/**
 * OpenTelemetry traces end to end: a local OTLP/HTTP collector receives what the real exporter
 * sends. A Slack slash command through the real receiver and a WhatsApp Cloud webhook each give one
 * trace from receipt to the delivered reply; log lines carry the trace id; with OTEL unset nothing
 * is loaded or sent; no secret or message text reaches a span.
 */
const lines: string[] = [];
const logger = createLogger({
  level: "info",
  destination: new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  }) as never,
});

let otlp: Receiver;
let openai: FakeOpenAi;
const OPENAI_KEY = "sk-test-canary-0123456789abcdef";
let slack: Harness;
let wa: CloudHarness;
let tracing: Tracing | null = null;
const OWNER_PHONE = "+15550000001";
const SLACK_CANARY = "canary-slack-7f3a9c";
const WA_CANARY = "canary-wa-55e21b";

/** SDK and exporter modules in the module cache (the API alone is loaded by prom-client anyway). */
const loaded = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((k) =>
    /@opentelemetry\/(sdk-|exporter-|otlp-|resources|context-async-hooks)/.test(k),
  );

beforeAll(async () => {
  otlp = await new OtlpReceiver().start();
  openai = await startFakeOpenAi();
  slack = await createHarness({
    logger,
    env: { OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: OPENAI_KEY, LLM_CACHE_TTL_SECONDS: "0" },
  });
  await soloOwnerPolicy(slack.deps, (await requireTenant(slack.deps.db, "demo")).id);
  wa = await cloudHarness({}, undefined, { logger });
  await soloOwnerPolicy(wa.d, wa.tenantId);
});
afterAll(async () => {
  await tracing?.shutdown();
  await slack?.close();
  await wa?.close();
  await otlp?.stop();
  await openai?.close();
});

/** The spans of `trace` as parent → children, checking it is one tree with one root. */
function tree(spans: ReceivedSpan[]) {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors = (s: ReceivedSpan) => {
    const out: string[] = [];
    for (
      let p = s.parentSpanId && byId.get(s.parentSpanId);
      p;
      p = p.parentSpanId && byId.get(p.parentSpanId)
    )
      out.push(p.name);
    return out;
  };
  return {
    roots,
    ancestors,
    byName: (n: string | RegExp) =>
      spans.filter((s) => (typeof n === "string" ? s.name === n : n.test(s.name))),
  };
}

describe("with OTEL unset", () => {
  it("loads no OpenTelemetry module, starts nothing and sends nothing", async () => {
    expect(await startTracing(loadConfig({}).telemetry, logger)).toBeNull();
    expect(
      await startTracing(
        loadConfig({ OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }).telemetry,
        logger,
      ),
    ).toBeNull();
    expect(
      await startTracing(
        loadConfig({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }).telemetry,
        logger,
      ),
    ).toBeNull();
    const r = await slack.command("/deal", "Acme");
    expect(r.res.status).toBe(200);
    await slack.runtime.idle();
    expect(slack.api.responsesFor(r.responseId)).toHaveLength(1);
    expect(tracingActive()).toBe(false);
    expect(loaded()).toEqual([]);
    expect(otlp.requests).toEqual([]);
    expect(lines.some((l) => l.includes('"trace_id"'))).toBe(false);
  });
});

describe("with an OTLP endpoint", () => {
  let slackTrace: ReceivedSpan[] = [];
  let waTrace: ReceivedSpan[] = [];

  beforeAll(async () => {
    tracing = await startTracing(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: "keel-test" }).telemetry,
      logger,
      { version: "0.0.0-test" },
    );
    expect(tracing).not.toBeNull();
    const r = await slack.command("/coach", `how is my pipeline doing? ${SLACK_CANARY}`);
    expect(r.res.status).toBe(200);
    await slack.runtime.idle();
    expect(slack.api.responsesFor(r.responseId)).toHaveLength(1);
    await wa.post(text(OWNER_PHONE, "cashflow 90"));
    await wa.post(text(OWNER_PHONE, `how are my deals doing? ${WA_CANARY}`));
    await tracing!.flush();
    const turn = otlp.spans.find((s) => s.name === "slack.turn");
    slackTrace = turn ? otlp.trace(turn.traceId) : [];
    const cash = otlp.spans.find((s) => s.name === "intent cashflow.forecast");
    waTrace = cash ? otlp.trace(cash.traceId) : [];
    if (process.env.SHOW_SPANS)
      for (const t of [slackTrace, waTrace])
        console.log(t.map((x) => `${x.name} ${x.spanId} <- ${x.parentSpanId}`).join("\n"), "\n---");
  });

  it("exports OTLP/HTTP JSON to /v1/traces with the service name", () => {
    expect(otlp.requests.length).toBeGreaterThan(0);
    for (const r of otlp.requests) {
      expect(r.path).toBe("/v1/traces");
      expect(r.contentType).toContain("application/json");
    }
    expect(otlp.spans[0]?.resource["service.name"]).toBe("keel-test");
    expect(otlp.spans[0]?.resource["service.version"]).toBe("0.0.0-test");
  });

  it("shows a Slack slash command from receipt to delivered reply as one tree", () => {
    const t = tree(slackTrace);
    expect(t.roots.map((s) => s.name)).toEqual(["POST /slack/events"]);
    const root = t.roots[0]!;
    expect(root.kind).toBe(2); // SERVER
    expect(root.attributes["http.route"]).toBe("/slack/events");
    expect(root.attributes["http.response.status_code"]).toBe(200);
    const record = t.byName("inbox.record")[0]!;
    expect(record.attributes["keel.turn.outcome"]).toBe("new");
    const turn = t.byName("slack.turn")[0]!;
    expect(t.ancestors(turn)).toContain("POST /slack/events");
    const intent = t.byName(/^intent /)[0]!;
    expect(intent.attributes["keel.intent.kind"]).toBe("coach.message");
    expect(intent.attributes["keel.channel"]).toBe("slack");
    expect(t.ancestors(intent)).toContain("slack.turn");
    const db = t.byName("db.transaction");
    expect(db.length).toBeGreaterThan(0);
    expect(db.every((s) => s.attributes["db.system.name"] === "postgresql")).toBe(true);
    expect(db.some((s) => t.ancestors(s).includes(intent.name))).toBe(true);
    const llm = t.byName("llm.request")[0]!;
    expect(t.ancestors(llm)).toContain(intent.name);
    expect(llm.attributes["keel.llm.prompt_id"]).toBeTypeOf("string");
    expect(["small", "large", "local"]).toContain(llm.attributes["keel.llm.tier"]);
    // Each provider call (retries and hedges too) is a client span under the request.
    const calls = t.byName(/^llm openai /);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.parentSpanId).toBe(llm.spanId);
      expect(call.kind).toBe(3);
      expect(call.attributes["gen_ai.system"]).toBe("openai");
      expect(call.attributes["gen_ai.request.model"]).toBeTypeOf("string");
      expect(call.attributes["keel.llm.hedge"]).toBe(false);
    }
    expect(calls[0]?.attributes["keel.llm.call"]).toBe(1);
    const send = t.byName("slack response_url")[0]!;
    expect(send.kind).toBe(3); // CLIENT
    expect(t.ancestors(send)).toEqual(expect.arrayContaining(["slack.turn", "POST /slack/events"]));
  });

  it("shows a WhatsApp webhook turn through the outbox to the Graph API send as one tree", () => {
    const t = tree(waTrace);
    expect(t.roots.map((s) => s.name)).toEqual(["POST /whatsapp/webhook"]);
    expect(t.byName("inbox.record")[0]?.attributes["keel.channel"]).toBe("whatsapp");
    const turn = t.byName("whatsapp.turn")[0]!;
    expect(turn.attributes["keel.turn.outcome"]).toBe("handled");
    const intent = t.byName("intent cashflow.forecast")[0]!;
    expect(t.ancestors(intent)).toContain("whatsapp.turn");
    const enqueue = t.byName("outbox.enqueue")[0]!;
    expect(enqueue.attributes["keel.outbox.enqueued"]).toBe(true);
    const deliver = t.byName("outbox.deliver")[0]!;
    // The delivery is a child of the enqueue through the row's trace_context.
    expect(deliver.parentSpanId).toBe(enqueue.spanId);
    expect(deliver.attributes["keel.outbox.status"]).toBe("sent");
    const send = t.byName("whatsapp.graph messages")[0]!;
    expect(t.ancestors(send)).toEqual(
      expect.arrayContaining(["outbox.deliver", "outbox.enqueue", "whatsapp.turn", "POST /whatsapp/webhook"]),
    );
    expect(t.byName("db.transaction").length).toBeGreaterThan(0);
  });

  it("stores the enqueuing span's traceparent on the outbox row", async () => {
    const rows = (
      await wa.d.db.tenantTx(wa.tenantId, (tx) => tx.select({ tc: outbox.traceContext }).from(outbox))
    ).filter((r) => r.tc !== null);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.tc).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it("makes each job run a trace root, with what it enqueues delivered inside it and linked to it", async () => {
    const tenantId = (await requireTenant(slack.deps.db, "demo")).id;
    const probe: JobDefinition = {
      name: "trace-probe",
      schedule: "* * * * *",
      description: "enqueues one Slack message and delivers it, like the digests job",
      async run(deps) {
        await deps.db.tenantTx(tenantId, (tx) =>
          enqueue(
            tx,
            {
              tenantId,
              dedupeKey: `probe:${Date.now()}`,
              target: { channel: "slack", address: "C0SALES" },
              payload: { text: "Your daily Keel digest (probe)" },
            },
            deps.clock.now(),
          ),
        );
        return { sent: (await deliverDue(deps, deps.channels, tenantId)).sent };
      },
    };
    const out = await createScheduler(slack.deps, [probe], { timers: false }).fire("trace-probe");
    expect(out).toMatchObject({ status: "succeeded", result: { sent: 1 } });
    await tracing!.flush();
    const run = otlp.spans.find((s) => s.name === "job trace-probe")!;
    expect(run.parentSpanId).toBeUndefined();
    expect(run.attributes["keel.job.status"]).toBe("succeeded");
    const t = tree(otlp.trace(run.traceId));
    expect(t.roots.map((s) => s.name)).toEqual(["job trace-probe"]);
    const enqueued = t.byName("outbox.enqueue")[0]!;
    const deliver = t.byName("outbox.deliver")[0]!;
    expect(deliver.parentSpanId).toBe(enqueued.spanId);
    expect(deliver.links.map((l) => l.spanId)).toContain(run.spanId);
    const post = t.byName("slack chat.postMessage")[0]!;
    expect(t.ancestors(post)).toEqual(expect.arrayContaining(["outbox.deliver", "job trace-probe"]));
  });

  it("writes the trace id into log lines made inside a span", () => {
    const traceId = slackTrace[0]!.traceId;
    const withId = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.trace_id === traceId);
    expect(withId.length).toBeGreaterThan(0);
    expect(withId.some((l) => l.msg === "intent handled")).toBe(true);
    expect(withId.every((l) => typeof l.span_id === "string" && /^[0-9a-f]{16}$/.test(l.span_id))).toBe(true);
  });

  it("puts no secret, message text or phone number into any exported span", () => {
    const all = otlp.bodies.join("\n");
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [
      SLACK_CANARY,
      WA_CANARY,
      "how is my pipeline doing",
      "how are my deals doing",
      BOT_TOKEN,
      OPENAI_KEY,
      SIGNING_SECRET,
      "test-keel-secret-0123456789",
      TOKEN,
      APP_SECRET,
      OWNER_PHONE.slice(1),
      "Bearer",
    ])
      expect(all, secret).not.toContain(secret);
  });
});
