import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../../src/bots/console/adapter.js";
import { createCompany } from "../../../src/core/features/company/index.js";
import {
  getAccount,
  openSecrets,
  recordSyncFailure,
  recordSyncSuccess,
  saveAccount,
  TRANSIENT_ALERT_AFTER,
  tenantForWebhook,
  tenantsWithConnector,
} from "../../../src/core/features/connectors/index.js";
import { connectorAccounts, outbox } from "../../../src/core/infra/db/schema/index.js";
import { createTestDeps, type TestDeps } from "../../support/deps.js";

const SECRET = "connector-test-secret-0123456789";

describe("connector plumbing: sealed credentials, webhook lookup, one alert per failing streak", () => {
  let d: TestDeps;
  let t: string;
  let other: string;
  const alerts = () => d.db.tenantTx(t, (tx) => tx.select().from(outbox).where(eq(outbox.tenantId, t)));

  beforeAll(async () => {
    d = await createTestDeps({ KEEL_SECRET: SECRET });
    d.channels.set("console", new ConsoleAdapter(null));
    const mk = async (slug: string) =>
      (
        await createCompany(d, {
          company: slug,
          slug,
          currency: "EUR",
          timezone: "UTC",
          owner: `owner@${slug}.example`,
        })
      ).tenant.id;
    t = await mk("seal-co");
    other = await mk("seal-other");
  });
  afterAll(() => d.cleanup());

  it("stores credentials sealed (no clear text in the row) and opens them again", async () => {
    await saveAccount(d, t, "testcrm", {
      secrets: { apiToken: "tok_live_abcdef123456", webhookPassword: "pw-very-secret" },
      settings: { baseUrl: "http://127.0.0.1:1" },
      webhookKey: "wh-key-1",
    });
    const [row] = await d.db.tenantTx(t, (tx) => tx.select().from(connectorAccounts));
    expect(row!.secrets.startsWith("v1:")).toBe(true);
    expect(row!.secrets).not.toContain("tok_live_abcdef123456");
    expect(row!.secrets).not.toContain("pw-very-secret");
    expect(JSON.stringify(row)).not.toContain("abcdef123456");
    expect(await openSecrets(d, t, "testcrm")).toEqual({
      apiToken: "tok_live_abcdef123456",
      webhookPassword: "pw-very-secret",
    });
    expect(await getAccount(d, t, "testcrm")).not.toHaveProperty("secrets");
  });

  it("refuses to store credentials without KEEL_SECRET instead of storing them in clear", async () => {
    const bare = { ...d, config: { ...d.config, app: { ...d.config.app, secret: undefined } } };
    await expect(saveAccount(bare, other, "testcrm", { secrets: { apiToken: "x" } })).rejects.toThrow(
      /KEEL_SECRET/,
    );
    expect(await getAccount(d, other, "testcrm")).toBeUndefined();
  });

  it("cannot open the credentials under another KEEL_SECRET", async () => {
    const wrong = {
      ...d,
      config: { ...d.config, app: { ...d.config.app, secret: "another-secret-0123456789" } },
    };
    await expect(openSecrets(wrong, t, "testcrm")).rejects.toThrow(/KEEL_SECRET/);
  });

  it("finds the tenant of a webhook by its key only, and lists tenants with the connector", async () => {
    expect(await tenantForWebhook(d.db, "testcrm", "wh-key-1")).toBe(t);
    expect(await tenantForWebhook(d.db, "testcrm", "wh-key-2")).toBeNull();
    expect(await tenantForWebhook(d.db, "othercrm", "wh-key-1")).toBeNull();
    expect(await tenantsWithConnector(d.db, "testcrm")).toEqual([t]);
  });

  it("alerts the owner once for a permanent failure however many runs fail", async () => {
    const before = (await alerts()).length;
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(
        await recordSyncFailure(d, t, "testcrm", {
          code: "auth",
          message: "401 Unauthorized api_token=tok_live_abcdef123456",
          permanent: true,
        }),
      );
    expect(results.map((r) => r.alerted)).toEqual([true, false, false, false]);
    const rows = (await alerts()).slice(before);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]!.payload)).not.toContain("tok_live");
    const acc = await getAccount(d, t, "testcrm");
    expect(acc!.consecutiveFailures).toBe(4);
    expect(acc!.lastError).not.toContain("tok_live");
  });

  it("a success ends the streak; transient failures alert only after several runs, then once", async () => {
    expect((await recordSyncSuccess(d, t, "testcrm", { deals: 1 })).recovered).toBe(true);
    const before = (await alerts()).length;
    const flags = [];
    for (let i = 0; i < TRANSIENT_ALERT_AFTER + 2; i++)
      flags.push(
        (await recordSyncFailure(d, t, "testcrm", { code: "http_503", message: "503", permanent: false }))
          .alerted,
      );
    expect(flags.filter(Boolean)).toHaveLength(1);
    expect(flags.indexOf(true)).toBe(TRANSIENT_ALERT_AFTER - 1);
    expect((await alerts()).length - before).toBe(1);
  });
});
