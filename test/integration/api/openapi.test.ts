import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp } from "../../../src/http/app.js";
import { call } from "../../support/api-client.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/** The OpenAPI 3.1 document is generated from the route schemas; a real validator checks it, and it lists exactly the app's routes. */
let d: TestDeps;
let app: ReturnType<typeof createHttpApp>;
// biome-ignore lint/suspicious/noExplicitAny: a JSON document
let doc: any;

beforeAll(async () => {
  d = await createTestDeps();
  app = createHttpApp(d);
  const r = await call(app, "GET", "/api/openapi.json");
  expect(r.status).toBe(200);
  doc = r.body;
});
afterAll(() => d?.cleanup());

const METHODS = ["get", "post", "put", "patch", "delete"];

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document (by @readme/openapi-parser)", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc));
    expect(result.valid, JSON.stringify(result, null, 1).slice(0, 3000)).toBe(true);
  });

  it("documents exactly the routes the app serves, and no other", () => {
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    const served = app.routes
      .filter((r) => r.path.startsWith("/api/v1/") && r.method !== "ALL" && !r.path.endsWith("*"))
      .map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, "{$1}")}`);
    expect([...new Set(served)].sort()).toEqual(documented);
    expect(documented.length).toBeGreaterThanOrEqual(20);
    expect(documented).toEqual(
      expect.arrayContaining([
        "GET /api/v1/contacts",
        "POST /api/v1/deals",
        "POST /api/v1/deals/{id}/stage",
        "POST /api/v1/deals/{id}/notes",
        "POST /api/v1/payments",
        "POST /api/v1/metric-points",
        "GET /api/v1/drafts",
        "POST /api/v1/drafts/{id}/approve",
        "GET /api/v1/cashflow",
        "GET /api/v1/forecasts/{metric}",
        "GET /api/v1/usage",
      ]),
    );
  });

  it("every operation needs the bearer token, names its scope and answers errors as problem+json", () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>))
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(op.security, where).toEqual([{ bearer: [] }]);
        expect(op.description, where).toMatch(/scope `[a-z]+:[a-z]+`/);
        for (const status of ["401", "403", "429"])
          expect(Object.keys(op.responses[status].content), where).toEqual(["application/problem+json"]);
        if (method === "post") {
          expect(Object.keys(op.responses["422"].content), where).toEqual(["application/problem+json"]);
          expect(
            op.parameters?.some((p: { name: string }) => p.name === "Idempotency-Key"),
            where,
          ).toBe(true);
        }
      }
  });

  it("writes are described with the import's fields (one schema language for both)", () => {
    const deal = doc.components.schemas.DealItem;
    expect(Object.keys(deal.properties)).toEqual(
      expect.arrayContaining([
        "external_id",
        "name",
        "stage",
        "value",
        "owner_email",
        "expected_close_on",
        "next_step",
      ]),
    );
    expect(deal.additionalProperties).toBe(false);
    const page = doc.paths["/api/v1/deals"].get.parameters.find((p: { name: string }) => p.name === "limit");
    expect(page.schema).toMatchObject({ minimum: 1, maximum: 200, default: 50 });
  });
});
