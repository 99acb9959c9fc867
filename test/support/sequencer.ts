import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that spend most of their time waiting on other processes (replicas, workers, leases, a
 * clock minute), longest first. They start first, so their waiting overlaps the rest of the suite
 * instead of leaving one worker alone with them at the end: a clean clone (CI) has no timings cached,
 * and vitest would order them by file size — the 124-line scale test among the last.
 */
const WAITING = [
  "test/e2e/scale.test.ts",
  "test/integration/jobs/crash.test.ts",
  "test/integration/jobs/outbox-lease.test.ts",
  "test/e2e/slack-inbox.test.ts",
  "test/integration/scale/slack-backpressure.test.ts",
  "test/integration/whatsapp/webjs-lease.test.ts",
  "test/e2e/pipedrive-cli.test.ts",
  "test/e2e/cli.test.ts",
];

const rank = (s: TestSpecification) => {
  const i = WAITING.findIndex((f) => s.moduleId.endsWith(f));
  return i < 0 ? WAITING.length : i;
};

/** vitest's order (failed, then slow by the cached timings, else large), with the waiting files first. */
export class WaitingFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((s, i) => ({ s, i }))
      .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
      .map(({ s }) => s);
  }
}
