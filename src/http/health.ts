import { Hono } from "hono";
import type { Deps } from "../core/deps.js";

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
    const degraded = Object.values(llm).some((s) => s === "degraded" || s === "down");
    return c.json(
      {
        status: ready ? (degraded ? "degraded" : "ready") : "unavailable",
        checks: {
          database: db ? "ok" : "down",
          store: store ? "ok" : "down",
          databaseKind: deps.db.kind,
          storeKind: deps.store.kind,
        },
        providers: llm,
      },
      ready ? 200 : 503,
    );
  });
  r.get("/metrics", async (c) => {
    c.header("content-type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return r;
}
