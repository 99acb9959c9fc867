import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

function problems(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("uses embedded defaults when nothing is set, in typed sections", () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.db.url).toBeUndefined();
    expect(c.db.appRole).toBe("keel_app");
    expect(c.app.dataDir).toBe("./.keel");
    expect(c.app.autoDemo).toBe(true);
    expect(c.redis.url).toBeUndefined();
    expect(c.llm.LLM_TENANT_MONTHLY_BUDGET_USD).toBe(20);
    expect(c.slack.mode).toBe("off");
    expect(c.whatsapp.WHATSAPP_TRANSPORT).toBeUndefined();
    expect(c.email.SMTP_URL).toBeUndefined();
  });

  it("treats empty strings as unset and parses real booleans", () => {
    const c = loadConfig({ DATABASE_URL: "", KEEL_AUTO_DEMO: "false", PORT: "8080", LLM_STARTUP_PROBE: "0" });
    expect(c.db.url).toBeUndefined();
    expect(c.app.autoDemo).toBe(false);
    expect(c.http.port).toBe(8080);
    expect(c.llm.LLM_STARTUP_PROBE).toBe(false);
  });

  it("lists every bad key in one readable message", () => {
    const e = problems({
      PORT: "eighty",
      DATABASE_URL: "mysql://x",
      LOG_LEVEL: "loud",
      KEEL_API_TOKEN: "short",
    });
    expect(e.problems.map((p) => p.key).sort()).toEqual([
      "DATABASE_URL",
      "KEEL_API_TOKEN",
      "LOG_LEVEL",
      "PORT",
    ]);
    expect(e.message).toMatch(/^Invalid configuration:/);
    expect(e.message).toContain("LOG_LEVEL");
    expect(e.message).toContain("postgres://");
  });

  it("never echoes the value given for any key — a secret pasted into PORT stays secret", () => {
    const secrets = {
      PORT: "sk-live-51HcanaryCANARY",
      LOG_LEVEL: "xoxb-canary-in-log-level",
      KEEL_DEFAULT_TENANT: "demo",
      DATABASE_POOL_SIZE: "hunter2hunter2",
      KEEL_API_TOKEN: "sk-abc",
      DATABASE_URL: "mysql://user:hunter2@h/db",
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: "EAAGcanarytoken",
      SLACK_BOT_TOKEN: "not-a-bot-token-canary",
      LLM_PRICES_JSON: "{canary-json",
    };
    const e = problems(secrets);
    expect(e.problems.length).toBeGreaterThanOrEqual(8);
    for (const [key, value] of Object.entries(secrets)) {
      if (key === "KEEL_DEFAULT_TENANT") continue;
      expect(e.message, key).not.toContain(value);
    }
    expect(e.message).not.toMatch(/canary|hunter2|sk-abc/);
  });

  it("a Slack bot token without a signing secret (and no Socket Mode) is an error, not a silent off", () => {
    const e = problems({ SLACK_BOT_TOKEN: "xoxb-1-abc" });
    expect(e.problems).toEqual([
      { key: "SLACK_SIGNING_SECRET", message: expect.stringMatching(/SLACK_APP_TOKEN/) },
    ]);
    expect(e.message).not.toContain("xoxb-1-abc");
  });

  it("Slack: HTTP mode with a signing secret, Socket Mode with an app token", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s3cret" }).slack.mode).toBe("http");
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slack.mode).toBe("socket");
  });

  it("Slack: half an OAuth setup names each missing key; a signing secret alone asks for the token", () => {
    const oauth = problems({ SLACK_CLIENT_ID: "111.222", SLACK_SIGNING_SECRET: "s3cret" });
    expect(oauth.problems.map((p) => p.key).sort()).toEqual(["SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"]);
    const alone = problems({ SLACK_SIGNING_SECRET: "s3cret" });
    expect(alone.problems.map((p) => p.key)).toEqual(["SLACK_BOT_TOKEN"]);
  });

  it("WhatsApp cloud transport without its keys names each missing key", () => {
    const e = problems({ WHATSAPP_TRANSPORT: "cloud", WHATSAPP_CLOUD_ACCESS_TOKEN: "EAAG-token" });
    expect(e.problems.map((p) => p.key).sort()).toEqual([
      "WHATSAPP_CLOUD_APP_SECRET",
      "WHATSAPP_CLOUD_PHONE_NUMBER_ID",
      "WHATSAPP_CLOUD_VERIFY_TOKEN",
    ]);
    expect(e.message).not.toContain("EAAG-token");
    expect(loadConfig({ WHATSAPP_TRANSPORT: "webjs" }).whatsapp.WHATSAPP_TRANSPORT).toBe("webjs");
  });
});

describe("config: load section (bounded queues, readiness)", () => {
  it("defaults: generous queues, degraded /readyz stays in rotation, concurrency left to the database kind", () => {
    const c = loadConfig({});
    expect(c.load).toEqual({
      turnsConcurrency: undefined,
      turnsQueue: 200,
      turnsPerUser: 4,
      shedRetryMs: 15_000,
      outboxConcurrency: 8,
      outboxQueue: 32,
      readyMaxBacklog: 100,
      readyMaxOutbox: 500,
      readyMaxLlmMs: 10_000,
      readyDegradedStatus: 200,
    });
    expect([c.llm.LLM_TENANT_CONCURRENCY, c.llm.LLM_TENANT_QUEUE]).toEqual([4, 16]);
  });

  it("parses operator values once, seconds to ms and the status to a number", () => {
    const c = loadConfig({
      KEEL_TURNS_CONCURRENCY: "32",
      KEEL_TURNS_QUEUE: "0",
      KEEL_SHED_RETRY_SECONDS: "30",
      KEEL_READY_DEGRADED_STATUS: "503",
      LLM_TENANT_QUEUE: "0",
    });
    expect(c.load).toMatchObject({
      turnsConcurrency: 32,
      turnsQueue: 0,
      shedRetryMs: 30_000,
      readyDegradedStatus: 503,
    });
    expect(c.llm.LLM_TENANT_QUEUE).toBe(0);
  });

  it("refuses nonsense with the key named: words, zero concurrency, a status that is neither 200 nor 503", () => {
    const e = problems({
      KEEL_TURNS_QUEUE: "lots",
      KEEL_TURNS_CONCURRENCY: "0",
      KEEL_READY_DEGRADED_STATUS: "502",
      LLM_TENANT_CONCURRENCY: "-1",
      KEEL_SHED_RETRY_SECONDS: "1.5",
    });
    expect(e.problems.map((p) => p.key).sort()).toEqual([
      "KEEL_READY_DEGRADED_STATUS",
      "KEEL_SHED_RETRY_SECONDS",
      "KEEL_TURNS_CONCURRENCY",
      "KEEL_TURNS_QUEUE",
      "LLM_TENANT_CONCURRENCY",
    ]);
  });
});
