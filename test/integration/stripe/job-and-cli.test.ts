import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectCommand, syncCommand } from "../../../src/cli/connectors.js";
import { loadConfig } from "../../../src/config.js";
import { getAccount } from "../../../src/core/features/connectors/index.js";
import { createLogger } from "../../../src/core/infra/logger.js";
import { createScheduler, stripeSyncJob } from "../../../src/jobs/index.js";
import { DAY, KEY, type StripeHarness, stripeHarness, t0, WHSEC } from "./harness.js";

/** The scheduled sync across replicas, and the `keel connect|sync stripe` commands. */
describe("scheduled Stripe sync and the CLI", () => {
  let h: StripeHarness;
  beforeAll(async () => {
    h = await stripeHarness({ slug: "cli-co" });
    const c = h.fake.customer({ name: "Lighthouse BV", email: "ap@lighthouse.example" });
    h.fake.invoice({ customer: c, amount: 310_000, dueInDays: 20 });
  });
  afterAll(() => h.close());

  it("runs once per slot across three replicas, and each connected tenant is synced", async () => {
    const schedulers = ["a", "b", "c"].map((r) =>
      createScheduler(h.d, [stripeSyncJob], { timers: false, runner: `replica-${r}` }),
    );
    const outcomes = await Promise.all(schedulers.map((s) => s.fire("stripe-sync")));
    const ran = outcomes.filter((o) => o.status === "succeeded");
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ result: { tenants: 1, synced: 1, failed: 0 } });
    expect(h.fake.callsTo("/v1/invoices").length).toBe(1);
    const again = await Promise.all(schedulers.map((s) => s.fire("stripe-sync")));
    expect(again.every((o) => o.status === "skipped")).toBe(true);
    expect((await getAccount(h.d, h.tenantId, "stripe"))?.lastSuccessAt).not.toBeNull();
  });

  it("a failing tenant is recorded and the job still succeeds (chat and other tenants are not held up)", async () => {
    h.clock.advance(15 * 60_000);
    h.fake.keys.delete(KEY);
    const s = createScheduler(h.d, [stripeSyncJob], { timers: false, runner: "replica-x" });
    const out = await s.fire("stripe-sync");
    expect(out).toMatchObject({ status: "succeeded", result: { tenants: 1, synced: 0, failed: 1 } });
    expect((await getAccount(h.d, h.tenantId, "stripe"))?.lastErrorCode).toBe("stripe_401");
    h.fake.keys.add(KEY);
  });

  const run = async (cmd: typeof connectCommand, argv: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks: string[] = [];
    const errs: string[] = [];
    out.on("data", (c) => chunks.push(String(c)));
    err.on("data", (c) => errs.push(String(c)));
    const logs: string[] = [];
    const logger = createLogger({ level: "trace", destination: { write: (s: string) => void logs.push(s) } });
    const code = await cmd(
      argv,
      { stdout: out, stderr: err },
      {
        config: loadConfig(h.d.env),
        logger,
        // Embedded database: the CLI uses this test's deps (a second PGlite open is an empty database),
        // logging to the captured logger so the secret scan below still reads what the command logged.
        ...(process.env.DATABASE_URL ? {} : { deps: { ...h.d, logger } }),
      },
    ).catch((e: { userMessage?: string }) => {
      errs.push(e.userMessage ?? String(e));
      return -1;
    });
    return { code, stdout: chunks.join(""), stderr: errs.join(""), logs: logs.join("") };
  };

  it("keel connect stripe checks the key, prints the endpoint and never echoes a secret", async () => {
    const r = await run(connectCommand, [
      "stripe",
      "--tenant",
      "cli-co",
      "--key",
      KEY,
      "--webhook-secret",
      WHSEC,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Stripe connected to cli-co \(test mode\)/);
    expect(r.stdout).toMatch(/\/connectors\/stripe\/webhook\?key=[A-Za-z0-9_-]{20,}/);
    expect(r.stdout).toContain("Webhook signing secret: set.");
    for (const s of [KEY, WHSEC]) expect(r.stdout + r.stderr + r.logs).not.toContain(s);
  });

  it("keel connect without a provider or a key shows the usage", async () => {
    expect((await run(connectCommand, [])).code).toBe(2);
    expect((await run(connectCommand, ["paypal", "--key", KEY])).stderr).toMatch(
      /keel connect (pipedrive\|)?stripe/,
    );
    expect((await run(connectCommand, ["stripe", "--tenant", "cli-co"])).stderr).toMatch(/--key sk_live_/);
  });

  it("keel connect refuses a wrong key for an unknown tenant with the tenant's message", async () => {
    const r = await run(connectCommand, ["stripe", "--tenant", "nope", "--key", KEY]);
    expect(r.code).toBe(-1);
    expect(r.stderr).toMatch(/Unknown tenant "nope"/);
  });

  it("keel sync stripe --full prints the report", async () => {
    h.fake.clock = t0 + DAY;
    const r = await run(syncCommand, ["stripe", "--tenant", "cli-co", "--full"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Stripe full sync of cli-co: read 1 customer, 1 invoice,/);
    expect(r.stdout).toMatch(/invoices: 0 new, 0 updated, 1 unchanged/);
  });
});
