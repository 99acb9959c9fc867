import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderConsole } from "../../../src/bots/console/render.js";
import { buildDigest } from "../../../src/core/features/digest/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const clock = fixedClock("2025-12-03T10:00:00Z");
const isPng = (b64?: string) =>
  Boolean(b64) && Buffer.from(b64!, "base64").subarray(0, 8).toString("hex") === "89504e470d0a1a0a";

describe("charts in answers and digests, by role", () => {
  let d: TestDeps;
  let dispatcher: Dispatcher;
  let tenantId: string;
  const say = async (line: string, email = "owner@demo.example"): Promise<Reply> => {
    const actor = await actorByEmail(d.db, tenantId, email);
    return dispatcher.dispatch({
      ...parseText(line),
      origin: { tenantId, userId: actor.userId, channel: "console", conversationId: `c-${email}` },
      idempotencyKey: randomUUID(),
    } as Intent);
  };
  // biome-ignore lint/suspicious/noExplicitAny: reply meta is diagnostics, read loosely in tests
  const meta = (r: Reply) => r.meta as Record<string, any>;

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    dispatcher = createDispatcher(d, registry);
  });
  afterAll(() => d.cleanup());

  it("`cashflow` comes with the balance fan chart drawn from the same bands as the text", async () => {
    const r = await say("cashflow");
    expect(isPng(r.image?.pngBase64)).toBe(true);
    const chart = r.image!.charts![0]!;
    expect(chart.legend).toBe("simulated median with P10–P90 band");
    // The last point of the fan is the balance the reply states for the horizon (major units).
    expect(chart.forecast.point.at(-1)).toBe(meta(r).cash.balanceAtHorizonMinor / 100);
    chart.forecast.point.forEach((p, i) => {
      expect(chart.forecast.lower[i]).toBeLessThanOrEqual(p);
      expect(p).toBeLessThanOrEqual(chart.forecast.upper[i]!);
    });
    expect(r.image!.alt).toMatch(/median .* on \d{4}-\d\d-\d\d, P10 .*, P90 /);
  });

  it("'how much cash at the end of next month' draws the fan up to that day, ending on the stated band", async () => {
    const r = await say("how much cash will we have at the end of next month");
    const b = meta(r).balanceOn;
    expect(b.on).toBe("2026-01-31");
    const chart = r.image!.charts![0]!;
    expect(chart.labels.at(-1)).toBe("2026-01-31");
    expect(chart.forecast.point.at(-1)).toBe(b.p50 / 100);
    expect(chart.forecast.lower.at(-1)).toBe(b.p10 / 100);
    expect(chart.forecast.upper.at(-1)).toBe(b.p90 / 100);
  });

  it("`forecast cash_balance 6` shows the cash engine's weekly fan", async () => {
    const r = await say("forecast cash_balance 6");
    expect(isPng(r.image?.pngBase64)).toBe(true);
    expect(r.image!.charts![0]!.forecast.point.slice(0, 6)).toEqual(
      meta(r).weeks.map((w: { p50: number }) => w.p50 / 100),
    );
  });

  it("`forecast revenue` draws the forecast with 80 % and 95 % intervals and says where its seasonality came from", async () => {
    const r = await say("forecast revenue 8");
    expect(isPng(r.image?.pngBase64)).toBe(true);
    const f = r.image!.charts![0]!.forecast;
    expect(f.point).toEqual(meta(r).forecast);
    f.point.forEach((p, i) => {
      expect(f.lower95![i]).toBeLessThanOrEqual(f.lower[i]!);
      expect(f.lower[i]).toBeLessThanOrEqual(p);
      expect(p).toBeLessThanOrEqual(f.upper[i]!);
      expect(f.upper[i]).toBeLessThanOrEqual(f.upper95![i]!);
    });
    expect(meta(r).seasonFrom).toBe("dates");
    expect(r.sources?.find((s) => s.label === "Forecast model")?.detail).toMatch(/from the weekly dates/);
  });

  it("the console shows the chart as text rows instead of an image", async () => {
    const text = renderConsole(await say("cashflow on end of next month"));
    expect(text).toMatch(/Cash balance \(USD\), next \d+ weeks — simulated median with P10–P90 band/);
    expect(text).toMatch(/\n2026-01-31 [ ░│]*●[ ░│]* \S+ \(\S+–\S+\)/);
    expect(text).not.toContain("[chart:");
  });

  it.each([
    ["a rep", "sam@demo.example"],
    ["a viewer", "viewer@demo.example"],
  ])("%s gets no cash chart: refused in words, nothing drawn", async (_who, email) => {
    for (const line of ["cashflow", "cashflow on end of next month", "forecast cash_balance 4"]) {
      const r = await say(line, email);
      expect(r.image).toBeUndefined();
      expect(r.text).toMatch(/cannot|does not allow|can't|not allowed/i);
    }
  });

  it("a rep's and a viewer's digests carry no cash chart; the owner's stacks the fan over revenue", async () => {
    const since = new Date("2025-12-02T08:00:00Z");
    const owner = await buildDigest(d, tenantId, {
      since,
      audience: await actorByEmail(d.db, tenantId, "owner@demo.example"),
    });
    const titles = owner.reply.image!.charts!.map((c) => c.title);
    expect(titles[0]).toMatch(/^Cash balance/);
    expect(titles[1]).toMatch(/forecast/);
    expect(isPng(owner.reply.image!.pngBase64)).toBe(true);
    for (const email of ["sam@demo.example", "viewer@demo.example"]) {
      const digest = await buildDigest(d, tenantId, {
        since,
        audience: await actorByEmail(d.db, tenantId, email),
      });
      const charts = digest.reply.image?.charts ?? [];
      expect(charts.some((c) => /cash/i.test(c.title))).toBe(false);
      expect(digest.reply.image?.alt ?? "").not.toMatch(/cash/i);
    }
  });
});
