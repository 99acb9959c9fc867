import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertDraft } from "../../../src/core/features/drafts/index.js";
import { requireTenant } from "../../../src/core/features/tenancy/index.js";
import { loadDemo } from "../../../src/demo/load.js";
import { createTestDeps, realPostgres, type TestDeps } from "../../support/deps.js";

/**
 * Two replicas' sweeps draft for one tenant at the same moment: both read the same next short
 * number, the second insert waits on the first's unique-index entry and fails when it commits. It
 * must take the next number — not abort its transaction (the digest scale run showed
 * "current transaction is aborted" and a failed job unit). Real Postgres: PGlite runs one
 * transaction at a time.
 */
let d: TestDeps;
let tenantId: string;
beforeAll(async () => {
  if (!realPostgres) return;
  d = await createTestDeps();
  await loadDemo(d);
  tenantId = (await requireTenant(d.db, "demo")).id;
});
afterAll(async () => {
  await d?.cleanup();
});

const draft = (body: string) => ({
  tenantId,
  kind: "follow_up",
  subjectType: "none" as const,
  target: { channel: "slack", address: "C0SALES" },
  body,
});

describe.runIf(realPostgres)("draft short numbers under concurrent inserts", () => {
  it("gives the second of two simultaneous drafts the next number instead of failing", async () => {
    let releaseFirst!: () => void;
    const firstInserted = new Promise<void>((r) => {
      releaseFirst = r;
    });
    let commitFirst!: () => void;
    const mayCommit = new Promise<void>((r) => {
      commitFirst = r;
    });
    const first = d.db.tenantTx(tenantId, async (tx) => {
      const row = await insertDraft(tx, draft("first of two, same moment"));
      releaseFirst();
      await mayCommit;
      return row;
    });
    await firstInserted;
    const second = d.db.tenantTx(tenantId, (tx) => insertDraft(tx, draft("second of two, same moment")));
    // Commit the first only once the second is waiting on its unique-index entry.
    for (let i = 0; i < 600; i++) {
      const [w] = await d.db.rows<{ n: string }>(
        sql`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (Number(w?.n) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    commitFirst();
    const [a, b] = await Promise.all([first, second]);
    expect(b.seq).toBe(a.seq + 1);
    expect(b.body).toBe("second of two, same moment");
  });
});
