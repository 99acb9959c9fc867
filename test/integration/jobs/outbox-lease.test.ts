import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDeps, realPostgres, type TestDeps } from "../../support/deps.js";
import { FakeSlackApi } from "../../support/fake-slack-api.js";
import { outboxCrashRound } from "../../support/outbox-crash.js";
import { makeTenant } from "./fixtures.js";

/**
 * Kill -9 an outbox dispatcher (a real process) while Slack has taken its post but not answered;
 * another dispatcher takes the row over once the short claim lease runs out and finds the post by
 * its metadata instead of posting again — with Redis and without it (the in-process store forgets
 * everything with the process; what protects is in Postgres). Timing is measured in
 * bench/jobs/outbox-recovery.ts, not asserted here. Needs real Postgres (separate processes).
 */
let d: TestDeps;
let api: FakeSlackApi;

beforeAll(async () => {
  if (!realPostgres) return;
  d = await createTestDeps();
  api = await new FakeSlackApi().start();
  await makeTenant(d, "lease");
});
afterAll(async () => {
  await api?.stop();
  await d?.cleanup();
});

describe.runIf(realPostgres)("outbox claim leases after a crash", () => {
  for (const redis of [true, false])
    it(`a message in flight when its worker is killed is delivered once, recovered by the next worker (${redis ? "with" : "without"} Redis)`, async () => {
      const r = await outboxCrashRound(d, api, { slug: "lease", redis, workersDir: inject("workersDir") });
      expect(r.status).toBe("sent");
      expect(r.posts).toBe(1);
      // The second worker's attempt, not a fresh row: it took the crashed claim over.
      expect(r.attempts).toBe(2);
    }, 180_000);
});
