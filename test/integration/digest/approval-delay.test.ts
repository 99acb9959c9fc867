import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pendingApprovals } from "../../../src/core/features/digest/index.js";
import { approvalDelay, approvalDelayLine } from "../../../src/core/features/drafts/index.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { resultRows } from "../../../src/core/infra/db/client.js";
import { drafts } from "../../../src/core/infra/db/schema/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

/**
 * Money waiting on approvals: pending drafts with amounts and age, and the week's delay (median hours
 * from created to decided, amount that waited over 24 h) — checked against independent SQL.
 */
const NOW = new Date("2026-12-02T12:00:00Z");
const h = (n: number) => new Date(NOW.getTime() - n * 3_600_000);
let d: TestDeps;
let tenantId: string;
let seq = 0;

async function draft(o: {
  created: Date;
  decided?: Date;
  amount: number;
  status: "drafted" | "sent" | "rejected";
}) {
  await d.db.tenantTx(tenantId, (tx) =>
    tx.insert(drafts).values({
      tenantId,
      seq: ++seq,
      kind: "deal.followup",
      subjectType: "deal",
      target: { channel: "email", address: "a@example.com" },
      subject: `Deal ${seq}`,
      body: "Hello",
      status: o.status,
      policy: { amountMinor: o.amount * 100, currency: "USD" },
      createdAt: o.created,
      ...(o.decided ? { decidedAt: o.decided } : {}),
    }),
  );
}

beforeAll(async () => {
  d = await createTestDeps();
  tenantId = await ensureTenant();
});
afterAll(() => d?.cleanup());

async function ensureTenant() {
  const { loadDemo } = await import("../../../src/demo/load.js");
  await loadDemo(d);
  const t = (await requireTenant(d.db, "demo")).id;
  await d.db.tenantTx(t, (tx) => tx.delete(drafts));
  return t;
}

describe("approval delay this week", () => {
  it("nothing decided → no line; one decision → singular wording", async () => {
    expect(approvalDelayLine(await d.db.tenantTx(tenantId, (tx) => approvalDelay(tx, NOW)))).toBeNull();
    await draft({ created: h(30), decided: h(27), amount: 1_000, status: "sent" });
    const line = approvalDelayLine(await d.db.tenantTx(tenantId, (tx) => approvalDelay(tx, NOW)));
    expect(line).toBe("1 approval this week, decided in 3 h; none waited > 24 h");
  });

  it("median hours and the amount that waited over 24 h match SQL over the same rows", async () => {
    await draft({ created: h(100), decided: h(40), amount: 41_250, status: "sent" }); // 60 h
    await draft({ created: h(50), decided: h(20), amount: 20_750, status: "rejected" }); // 30 h
    await draft({ created: h(10), decided: h(9), amount: 500, status: "sent" }); // 1 h
    await draft({ created: h(400), decided: h(300), amount: 99_999, status: "sent" }); // decided before the week
    const got = await d.db.tenantTx(tenantId, (tx) => approvalDelay(tx, NOW));
    const [want] = await d.db.tenantTx(tenantId, async (tx) =>
      resultRows<{ n: number; median: number; late: number }>(
        await tx.execute(sql`
          with w as (
            select extract(epoch from (decided_at - created_at)) / 3600.0 as hrs,
                   (policy->>'amountMinor')::numeric as amt
            from drafts where decided_at > ${new Date(NOW.getTime() - 7 * 86_400_000).toISOString()}::timestamptz)
          select count(*)::int as n,
                 (percentile_cont(0.5) within group (order by hrs))::float8 as median,
                 coalesce(sum(amt) filter (where hrs > 24), 0)::float8 as late
          from w`),
      ),
    );
    expect(got.decided).toBe(want!.n);
    expect(got.medianHours).toBeCloseTo(want!.median, 6);
    expect(got.waitedOver24hMinor).toEqual({ USD: want!.late });
    expect(approvalDelayLine(got)).toBe("4 approvals this week took 17 h median; $62,000 waited > 24 h");
  });

  it("the digest shows pending drafts with amounts and age, and the delay line", async () => {
    await draft({ created: h(49), amount: 30_000, status: "drafted" });
    await draft({ created: h(5), amount: 11_250, status: "drafted" });
    const a = await d.db.tenantTx(tenantId, (tx) => pendingApprovals(tx, NOW));
    expect(a.count).toBe(2);
    expect(a.waiting).toMatch(/^2 drafts about \$41,250(\.00)? wait for approval; the oldest for 2 d/);
    expect(a.delay).toContain("approvals this week took");
  });
});
