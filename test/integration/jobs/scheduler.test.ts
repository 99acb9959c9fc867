import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { closeDeps, createDeps, type Deps } from "../../../src/core/deps.js";
import { fixedClock } from "../../../src/core/ports/clock.js";
import { createScheduler, type JobDefinition, runClaimed } from "../../../src/jobs/index.js";
import { createTestDeps, realPostgres, type TestDeps } from "../../support/deps.js";

const T0 = "2026-11-20T06:00:30Z";
let base: TestDeps;
const clock = fixedClock(T0);

beforeAll(async () => {
  base = await createTestDeps({}, { clock });
});
afterAll(async () => base?.cleanup());

async function runs(deps: Deps, job: string) {
  const res = await deps.db.orm.execute(
    sql`select fire_key, status, claimed_by, duration_ms, error from job_runs where job = ${job} order by started_at`,
  );
  return (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as {
    fire_key: string;
    status: string;
    claimed_by: string;
    duration_ms: number | null;
    error: string | null;
  }[];
}

/** A job that counts its runs across every scheduler instance of the test. */
function countingJob(
  name: string,
  schedule: string,
  calls: string[],
  body?: () => Promise<void>,
): JobDefinition {
  return {
    name,
    schedule,
    description: "test",
    run: async (_deps, ctx) => {
      calls.push(`${ctx.runner}@${ctx.slot.toISOString()}`);
      await body?.();
      return { ok: true };
    },
  };
}

describe("scheduler: each fire runs once across replicas", () => {
  // Three replicas need three connections to one server; PGlite is a single in-process database,
  // so the multi-replica case runs only against real Postgres (CI always has it).
  it.runIf(realPostgres)(
    "three scheduler instances, each on its own connection pool, run a fire once",
    async () => {
      const replicas = await Promise.all(
        [1, 2].map(() => createDeps(loadConfig(base.env), { clock, migrate: false })),
      );
      try {
        const calls: string[] = [];
        // The body waits a little so the three claims really overlap.
        const job = countingJob(
          "replicated",
          "0 6 * * *",
          calls,
          () => new Promise((r) => setTimeout(r, 50)),
        );
        const schedulers = [base, ...replicas].map((d, i) =>
          createScheduler(d, [job], { timers: false, runner: `replica-${i}` }),
        );
        for (let round = 0; round < 3; round++) {
          const outcomes = await Promise.all(schedulers.map((s) => s.fire("replicated")));
          expect(outcomes.filter((o) => o.status === "succeeded")).toHaveLength(round === 0 ? 1 : 0);
        }
        clock.advance(86_400_000);
        const next = await Promise.all(schedulers.map((s) => s.fire("replicated")));
        expect(next.filter((o) => o.status === "succeeded")).toHaveLength(1);
        expect(calls).toHaveLength(2);
        const rows = await runs(base, "replicated");
        expect(rows.map((r) => r.fire_key)).toEqual([
          "replicated:2026-11-20T06:00:00.000Z",
          "replicated:2026-11-21T06:00:00.000Z",
        ]);
        expect(
          rows.every((r) => r.status === "succeeded" && r.duration_ms !== null && r.duration_ms >= 40),
        ).toBe(true);
      } finally {
        clock.set(T0);
        await Promise.all(replicas.map((r) => closeDeps(r)));
      }
    },
  );

  it("a second fire of the same slot on one instance is skipped", async () => {
    const calls: string[] = [];
    const s = createScheduler(base, [countingJob("single", "*/15 * * * * *", calls)], { timers: false });
    expect((await s.fire("single")).status).toBe("succeeded");
    expect(await s.fire("single")).toMatchObject({ status: "skipped", reason: "claimed-elsewhere" });
    clock.advance(15_000);
    expect((await s.fire("single")).status).toBe("succeeded");
    expect(calls).toHaveLength(2);
    clock.set(T0);
  });

  it("after an outage, start() runs the latest missed fire once — not once per missed day", async () => {
    const calls: string[] = [];
    const job = countingJob("daily-catchup", "0 6 * * *", calls);
    const first = createScheduler(base, [job], { timers: false, runner: "before-outage" });
    await first.start();
    await first.stop();
    expect(calls).toEqual(["before-outage@2026-11-20T06:00:00.000Z"]);
    clock.set("2026-11-23T14:00:00Z"); // down for three days: slots on the 21st, 22nd and 23rd missed
    const after = createScheduler(base, [job], { timers: false, runner: "after-outage" });
    const outcomes = await after.start();
    expect(outcomes.filter((o) => o.status === "succeeded")).toHaveLength(1);
    const again = createScheduler(base, [job], { timers: false, runner: "another-restart" });
    expect((await again.start()).filter((o) => o.status === "succeeded")).toHaveLength(0);
    await after.stop();
    await again.stop();
    expect(calls).toEqual([
      "before-outage@2026-11-20T06:00:00.000Z",
      "after-outage@2026-11-23T06:00:00.000Z",
    ]);
    clock.set(T0);
  });

  it("records failures with a data-free error code and duration", async () => {
    const s = createScheduler(
      base,
      [
        {
          name: "boom",
          schedule: "0 6 * * *",
          description: "fails",
          run: async () => Promise.reject(new TypeError("secret customer data")),
        },
      ],
      { timers: false },
    );
    expect((await s.fire("boom")).status).toBe("failed");
    const [row] = await runs(base, "boom");
    expect(row).toMatchObject({ status: "failed", error: "internal:TypeError" });
    expect(row!.duration_ms).not.toBeNull();
    const text = await base.metrics.registry.getSingleMetricAsString("keel_job_runs_total");
    expect(text).toMatch(/keel_job_runs_total\{job="boom",status="failed"\} 1/);
  });

  it("graceful stop waits for the running fire, then releases claims still open so another replica takes them now", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls: string[] = [];
    const slow = countingJob("slow", "0 6 * * *", calls, () => gate);
    const a = createScheduler(base, [slow], { timers: false, runner: "a" });
    const running = a.fire("slow");
    await new Promise((r) => setTimeout(r, 100));
    await a.stop(200); // grace shorter than the job: the claim is released
    expect((await runs(base, "slow"))[0]!.status).toBe("released");
    const b = createScheduler(base, [slow], { timers: false, runner: "b" });
    release();
    await running;
    expect((await b.fire("slow")).status).toBe("succeeded");
    expect(calls).toEqual(["a@2026-11-20T06:00:00.000Z", "b@2026-11-20T06:00:00.000Z"]);
  });

  it("node-cron timers fire jobs on schedule", async () => {
    const calls: string[] = [];
    const live = await createTestDeps();
    try {
      const s = createScheduler(live, [countingJob("every-second", "* * * * * *", calls)], {
        runner: "timer",
      });
      await s.start();
      await new Promise((r) => setTimeout(r, 2300));
      await s.stop();
      // One fire at start (catch-up of the current second) plus about two timer fires.
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(new Set(calls).size).toBe(calls.length);
    } finally {
      await live.cleanup();
    }
  });
});

describe("runClaimed: every job claims its fire the same way", () => {
  const tracker = () => {
    const held = new Set<string>();
    return { held, add: (id: string) => held.add(id), delete: (id: string) => held.delete(id) };
  };
  const req = (fireKey: string, runner = "r1") => ({
    job: "rc",
    fireKey,
    scope: "global",
    runner,
    now: clock.now(),
    leaseMs: 60_000,
  });

  it("runs the work once, records success and skips a second claim of the same fire", async () => {
    const t = tracker();
    let calls = 0;
    const first = await runClaimed(base, t, req("rc:once"), async () => ++calls);
    const again = await runClaimed(base, t, req("rc:once", "r2"), async () => ++calls);
    expect(first).toMatchObject({ status: "succeeded", value: 1 });
    expect(again).toEqual({ status: "skipped" });
    expect(calls).toBe(1);
    expect(t.held.size).toBe(0);
    expect((await runs(base, "rc")).find((r) => r.fire_key === "rc:once")).toMatchObject({
      status: "succeeded",
      claimed_by: "r1",
      error: null,
    });
  });

  it("returns the work's error and records the fire as failed with a data-free code", async () => {
    const t = tracker();
    const r = await runClaimed(base, t, req("rc:fails"), async () => {
      throw new TypeError("customer Acme said no");
    });
    expect(r.status).toBe("failed");
    expect(t.held.size).toBe(0);
    const row = (await runs(base, "rc")).find((x) => x.fire_key === "rc:fails");
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatch(/TypeError/);
    expect(row?.error).not.toMatch(/Acme/);
  });

  it("success recorded inside a transaction that rolls back does not stick: the fire is failed", async () => {
    const r = await runClaimed(base, tracker(), req("rc:rollback"), async (fire) => {
      await base.db.orm.transaction(async (tx) => {
        await fire.succeedIn(tx);
        throw new Error("enqueue failed after the run was marked");
      });
    });
    expect(r.status).toBe("failed");
    expect((await runs(base, "rc")).find((x) => x.fire_key === "rc:rollback")?.status).toBe("failed");
  });

  it("success recorded in the work's committed transaction is kept as is", async () => {
    const r = await runClaimed(base, tracker(), req("rc:tx"), async (fire) => {
      await base.db.orm.transaction((tx) => fire.succeedIn(tx));
      return "done";
    });
    expect(r).toMatchObject({ status: "succeeded", value: "done" });
    expect((await runs(base, "rc")).find((x) => x.fire_key === "rc:tx")?.status).toBe("succeeded");
  });
});
