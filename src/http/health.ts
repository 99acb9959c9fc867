import { Hono } from "hono";
import type { Deps } from "../core/deps.js";
import { pendingTurns } from "../core/features/inbox/index.js";
import { outboxDepth } from "../core/features/outbox/index.js";

/** Turn queues whose waiting work counts as backlog (with the inbox's pending turns). */
const TURN_QUEUES = ["slack_turns", "whatsapp_turns"];
/** The latency p90 speaks only with this many model calls in the last minute. */
const MIN_LATENCY_SAMPLES = 5;

export type DegradedReason = "llm_provider" | "inbound_backlog" | "outbox_backlog" | "llm_latency";

/**
 * What /readyz says about load: turns waiting (the inbox's pending turns over all replicas, and this
 * replica's queued ones), due outbox messages, the last minute's model latency, each against its
 * KEEL_READY_* threshold; plus every queue's depth and in-flight count.
 */
export async function loadReport(deps: Deps) {
  const cfg = deps.config.load;
  const [inbox, outbox] = await Promise.all([pendingTurns(deps), outboxDepth(deps)]);
  const queues = deps.metrics.queues.totals();
  const queued = TURN_QUEUES.reduce((n, q) => n + (queues[q]?.depth ?? 0), 0);
  const inboxPending = Object.values(inbox).reduce((a, b) => a + b, 0);
  const outboxDue = (outbox.pending ?? 0) + (outbox.failed ?? 0);
  const llm = deps.metrics.llmLatency.p90();
  const reasons: DegradedReason[] = [];
  if (Math.max(inboxPending, queued) > cfg.readyMaxBacklog) reasons.push("inbound_backlog");
  if (outboxDue > cfg.readyMaxOutbox) reasons.push("outbox_backlog");
  if (llm.p90Ms !== null && llm.samples >= MIN_LATENCY_SAMPLES && llm.p90Ms > cfg.readyMaxLlmMs)
    reasons.push("llm_latency");
  return {
    reasons,
    load: {
      inboxPending,
      queuedHere: queued,
      outboxDue,
      llmP90Ms: llm.p90Ms === null ? null : Math.round(llm.p90Ms),
      llmSamples: llm.samples,
      queues,
      thresholds: {
        backlog: cfg.readyMaxBacklog,
        outbox: cfg.readyMaxOutbox,
        llmMs: cfg.readyMaxLlmMs,
      },
    },
  };
}

/**
 * /healthz: the process lives. /readyz: 503 "unavailable" when the database or the store is down
 * (no turn can be recorded); "degraded" when a model provider is degraded or load passes a
 * KEEL_READY_* threshold, with the reasons — HTTP 200 by default (KEEL_READY_DEGRADED_STATUS): a
 * degraded replica still records every turn and answers "busy" fast, while taking it out of rotation
 * would push its load onto the others, and the backlog is shared, so every replica would leave at
 * once and nothing would record Slack's and WhatsApp's deliveries (README: Operations — scaling).
 */
export function healthRoutes(deps: Deps) {
  const r = new Hono();
  r.get("/healthz", (c) => c.json({ status: "ok" }));
  r.get("/readyz", async (c) => {
    const [db, store, llm] = await Promise.all([
      deps.db.ping(),
      deps.store.ping(),
      deps.llm.health().catch(() => ({ gateway: "down" as const })),
    ]);
    const ready = db && store;
    const reasons: DegradedReason[] = [];
    if (Object.values(llm).some((s) => s === "degraded" || s === "down")) reasons.push("llm_provider");
    const report = db
      ? await loadReport(deps).catch((err) => {
          deps.logger.warn({ err }, "readyz load report failed");
          return undefined;
        })
      : undefined;
    if (report) reasons.push(...report.reasons);
    const degraded = reasons.length > 0;
    return c.json(
      {
        status: ready ? (degraded ? "degraded" : "ready") : "unavailable",
        ...(ready && degraded ? { reasons } : {}),
        checks: {
          database: db ? "ok" : "down",
          store: store ? "ok" : "down",
          databaseKind: deps.db.kind,
          storeKind: deps.store.kind,
        },
        providers: llm,
        ...(report ? { load: report.load } : {}),
      },
      !ready ? 503 : degraded ? deps.config.load.readyDegradedStatus : 200,
    );
  });
  r.get("/metrics", async (c) => {
    c.header("content-type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return r;
}
