import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeDigest } from "../../../src/core/features/digest/index.js";
import { actorByEmail, requireTenant } from "../../../src/core/features/tenancy/index.js";
import { createDispatcher, type Dispatcher } from "../../../src/core/intents/dispatcher.js";
import type { Intent } from "../../../src/core/intents/intent.js";
import { parseText } from "../../../src/core/intents/parse.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import type { Reply } from "../../../src/core/ports/reply.js";
import { registry } from "../../../src/core/registry.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

// A Wednesday: the 90-day horizon ends 2026-03-03; "end of next month" is 2026-01-31.
const clock = fixedClock("2025-12-03T10:00:00Z");

describe("one cash engine: every surface prints the same figure for the same date", () => {
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
  const meta = (r: Reply) => r.meta as Record<string, any>;

  beforeAll(async () => {
    d = await createTestDeps({}, { clock });
    await loadDemo(d);
    tenantId = (await requireTenant(d.db, "demo")).id;
    dispatcher = createDispatcher(d, registry);
  });
  afterAll(() => d.cleanup());

  it("`cashflow`, `cashflow on DATE`, `forecast cash_balance` and the digest agree", async () => {
    const report = meta(await say("cashflow"));
    const horizonEnd = report.buckets.at(-1).end as string;
    expect(report.cash.positions.at(-1).balanceMinor).toBe(report.cash.balanceAtHorizonMinor);

    // The balance on the horizon's last day, asked for directly.
    const on = meta(await say(`cashflow on ${horizonEnd}`)).balanceOn;
    expect(on.on).toBe(horizonEnd);
    expect(on.p50).toBe(report.cash.balanceAtHorizonMinor);
    // The first month's end, asked for directly, equals the report's position at that bucket end.
    const firstEnd = report.buckets[0].end as string;
    expect(meta(await say(`cashflow on ${firstEnd}`)).balanceOn.p50).toBe(
      report.cash.positions[0].balanceMinor,
    );

    // forecast cash_balance: weekly balances from the same engine; week 2's date asked directly agrees.
    const fc = meta(await say("forecast cash_balance 4"));
    expect(fc.model).toMatch(/cash engine/);
    expect(fc.weeks).toHaveLength(4);
    const w2 = fc.weeks[1];
    expect(meta(await say(`cashflow on ${w2.on}`)).balanceOn).toMatchObject({
      p10: w2.p10,
      p50: w2.p50,
      p90: w2.p90,
    });

    // The digest's cash section is the same report: same balance on the same day, same runways.
    const digest = await composeDigest(d, tenantId, { since: new Date(clock.now().getTime() - 86_400_000) });
    if (!digest.cash.ok) throw new Error(digest.cash.note);
    expect(digest.cash.balanceAtHorizonMinor).toBe(report.cash.balanceAtHorizonMinor);
    expect(digest.cash.runway).toEqual(report.cash.runway);
    expect(digest.cash.cashRunwayText).toMatch(/^2\.\d months \(balance ÷ burn/);
  });

  it("reports both runway definitions, named, side by side; cash runway = balance ÷ burn", async () => {
    const r = await say("cashflow");
    const m = meta(r);
    const months = m.cash.basis.openingMinor / m.cash.basis.monthlyBurnMinor;
    expect(r.text).toContain(
      `Cash runway ${(Math.round(months * 10) / 10).toFixed(1)} months (balance ÷ burn, no new money`,
    );
    expect(r.text).toMatch(/Expected runway .* — the median of 4000 simulated paths/);
    const cashSection = r.sections?.find((s) => s.title === "Cash position and runway");
    expect(cashSection?.fields?.map((f) => f.label)).toEqual(
      expect.arrayContaining(["Cash runway", "Expected runway"]),
    );
  });

  it("flags invoiced-stage deals with no invoice on file as a data gap instead of calling them overdue", async () => {
    const r = await say("cashflow");
    const names = await d.db.tenantTx(tenantId, async (tx) => {
      const res = await tx.execute(
        sql`select d.name from deals d join stages s on s.id = d.stage_id
              where d.status = 'open' and s.is_invoiced
                and not exists (select 1 from invoices i where i.deal_id = d.id)
              order by d.name`,
      );
      const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { name: string }[];
      return rows.map((x) => x.name);
    });
    expect(names.length).toBeGreaterThan(0);
    const gap = r.sections?.find((s) => s.title === "Assumptions")?.text ?? "";
    for (const n of names) expect(gap).toContain(n);
    expect(gap).toMatch(/Data gap: \d+ deal\(s\) sit in an invoiced stage with no invoice on file/);
  });

  const phrasings: [string, string][] = [
    ["how much cash will we have at the end of next month", "2026-01-31"],
    ["how much cash will we have at the end of next month?", "2026-01-31"],
    ["what's our cash at end of the month", "2025-12-31"],
    ["cash at end of march?", "2026-03-31"],
    ["cash end of the quarter", "2025-12-31"],
    ["whats the cash position end of next quarter", "2026-03-31"],
    ["what will our bank balance be in 6 weeks", "2026-01-14"],
    ["balance in 30 days?", "2026-01-02"],
    ["cashflow on end of next month", "2026-01-31"],
    ["cashflow on 2026-02-15", "2026-02-15"],
    ["cashflow on in 10 days", "2025-12-13"],
    ["cashflow end of next month", "2026-01-31"],
    ["CASH AT THE END OF THE YEAR", "2025-12-31"],
    ["how much cash do we have by the end of feb", "2026-02-28"],
  ];
  for (const [text, on] of phrasings)
    it(`"${text}" → one balance on ${on}`, async () => {
      const r = await say(text);
      expect(meta(r).balanceOn?.on).toBe(on);
      expect(r.text).toMatch(/likely between \$[\d,]+ and \$[\d,]+, P10–P90/);
    });

  it("an impossible or unknown day gets a clear answer, not a figure", async () => {
    expect((await say("cashflow on blursday")).text).toMatch(/couldn't tell which day "blursday" is/);
    expect((await say("cashflow on 2024-01-01")).text).toMatch(/not in the future/);
    expect((await say("cashflow on 2031-01-01")).text).toMatch(/more than two years out/);
  });

  for (const email of ["sam@demo.example", "lina@demo.example"])
    it(`a rep (${email}) sees no cash figure by any road`, async () => {
      for (const q of [
        "forecast cash_balance",
        "cashflow on end of next month",
        "how much cash will we have at the end of next month",
      ]) {
        const r = await say(q, email);
        expect(r.text).not.toMatch(/\$\d/);
      }
    });
});
