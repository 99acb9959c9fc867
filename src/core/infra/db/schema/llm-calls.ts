import { bigint, boolean, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId } from "./_columns.js";

/** The cost ledger: one row per LLM call (including cache hits and refusals). Cost in micro-dollars. */
export const llmCalls = pgTable(
  "llm_calls",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id"),
    feature: text("feature").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    promptId: text("prompt_id"),
    promptVersion: integer("prompt_version"),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    /** On a cache hit: what producing the cached answer cost, i.e. the money the hit saved. */
    savedMicros: bigint("saved_micros", { mode: "number" }).notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    cacheHit: boolean("cache_hit").notNull().default(false),
    route: text("route"),
    routeReason: text("route_reason"),
    outcome: text("outcome").notNull(),
    errorCode: text("error_code"),
    createdAt: createdAt(),
  },
  (t) => [index("llm_calls_tenant_created").on(t.tenantId, t.createdAt)],
);
