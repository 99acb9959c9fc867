import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp } from "../../src/http/app.js";
import { createTestDeps, type TestDeps } from "../support/deps.js";

describe("HTTP health, readiness and metrics", () => {
  let d: TestDeps;
  beforeAll(async () => {
    d = await createTestDeps();
  });
  afterAll(() => d.cleanup());

  it("/healthz answers ok", async () => {
    const res = await createHttpApp(d).request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("/readyz reports database and store", async () => {
    const res = await createHttpApp(d).request("/readyz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: Record<string, string> };
    expect(body.checks.database).toBe("ok");
    expect(body.checks.store).toBe("ok");
    expect(body.checks.databaseKind).toBe(d.db.kind);
  });

  it("/readyz is 503 when the store is down", async () => {
    const app = createHttpApp({ ...d, store: { ...d.store, ping: async () => false } });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
  });

  it("/metrics exposes Prometheus counters including requests served", async () => {
    const app = createHttpApp(d);
    await app.request("/healthz");
    const res = await app.request("/metrics");
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('keel_http_requests_total{method="GET",route="/healthz",status="200"}');
  });

  it("unknown paths get a JSON 404", async () => {
    const res = await createHttpApp(d).request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "not_found" });
  });
});
