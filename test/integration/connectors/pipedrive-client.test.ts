import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPipedriveClient, PipedriveError } from "../../../src/core/features/pipedrive/index.js";
import { pdDeal, pdNote } from "../../../src/core/features/pipedrive/schemas.js";
import { FakePipedrive } from "../../support/fake-pipedrive.js";

/** The typed client against a local Pipedrive: pagination, pacing from the headers, errors by kind. */
describe("Pipedrive client", () => {
  const pd = new FakePipedrive({ burst: 3 });
  beforeAll(async () => {
    await pd.start();
    pd.seed({ deals: 7 });
    for (let i = 10; i < 14; i++) pd.put("notes", { id: i, content: `n${i}`, deal_id: 1, active_flag: true });
  });
  afterAll(() => pd.stop());
  const client = (over: Partial<Parameters<typeof createPipedriveClient>[0]> = {}) =>
    createPipedriveClient({
      baseUrl: pd.base,
      token: pd.token,
      pageLimit: 1,
      retryBaseMs: 10,
      burstPer2s: 100,
      ...over,
    });

  const all = async <T>(gen: AsyncGenerator<T[]>) => {
    const out: T[] = [];
    for await (const page of gen) out.push(...page);
    return out;
  };

  it("walks v2 cursor pages and paces itself from x-ratelimit-* so no request is refused", async () => {
    const before = pd.requests.length;
    const c = client();
    const deals = await all(c.listV2("/api/v2/deals", pdDeal));
    expect(deals.map((d) => d.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const calls = pd.requests.slice(before);
    expect(calls.map((x) => x.status).every((s) => s === 200)).toBe(true);
    expect(c.stats.throttled).toBe(0);
    // 7 requests at 3 per 2-second window span at least two window boundaries.
    expect(calls.at(-1)!.at - calls[0]!.at).toBeGreaterThanOrEqual(3500);
  });

  it("walks v1 start/limit pages until more_items_in_collection is false", async () => {
    const notes = await all(client({ pageLimit: 2 }).listV1("/v1/notes", pdNote));
    expect(notes.map((n) => n.id)).toEqual([1, 2, 10, 11, 12, 13]);
  });

  it("a refused token is a permanent auth error, not retried", async () => {
    const before = pd.requests.length;
    const e = await all(client({ token: "nope-nope-nope-nope" }).listV2("/api/v2/deals", pdDeal)).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(PipedriveError);
    expect(e).toMatchObject({ code: "auth", status: 401, permanent: true });
    expect(pd.requests.length - before).toBe(1);
  });

  it("a 429 whose retry-after is longer than the run may wait (daily budget spent) stops the run", async () => {
    pd.inject({ status: 429, headers: { "retry-after": "86400" } });
    const e = await all(client().listV2("/api/v2/deals", pdDeal)).catch((x) => x);
    expect(e).toMatchObject({ code: "rate_limited", permanent: false });
    expect(String(e.message)).toContain("86400 s");
  });

  it("a response that is not Pipedrive's shape is a clear error naming the field", async () => {
    pd.put("deals", { id: 99, title: 42, status: "open" });
    const e = await all(client({ pageLimit: 500 }).listV2("/api/v2/deals", pdDeal)).catch((x) => x);
    expect(e).toMatchObject({ code: "bad_response" });
    expect(String(e.message)).toMatch(/data\.\d+\.title/);
    pd.data.deals!.delete(99);
  });

  it("network errors are retried, then reported", async () => {
    const c = createPipedriveClient({
      baseUrl: "http://127.0.0.1:1",
      token: pd.token,
      maxRetries: 2,
      retryBaseMs: 5,
    });
    const e = await c.get("/api/v2/deals", {}, pdDeal).catch((x) => x);
    expect(e).toMatchObject({ code: "network" });
    expect(c.stats.requests).toBe(3);
  });

  it("sends the token in the x-api-token header, never in the URL", async () => {
    const before = pd.requests.length;
    await client().get("/api/v2/pipelines", { limit: "1" }, z.unknown());
    expect(pd.requests.slice(before).every((r) => !("api_token" in r.query))).toBe(true);
  });
});
