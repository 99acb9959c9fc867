import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("config", () => {
  it("uses embedded defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.KEEL_DATA_DIR).toBe("./.keel");
    expect(c.KEEL_AUTO_DEMO).toBe(true);
  });

  it("treats empty strings as unset and parses real booleans", () => {
    const c = loadConfig({ DATABASE_URL: "", KEEL_AUTO_DEMO: "false", PORT: "8080" });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.KEEL_AUTO_DEMO).toBe(false);
    expect(c.PORT).toBe(8080);
  });

  it("lists every bad key in one readable message", () => {
    let err: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", KEEL_API_TOKEN: "short" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.problems.map((p) => p.key).sort()).toEqual([
      "DATABASE_URL",
      "KEEL_API_TOKEN",
      "LOG_LEVEL",
      "PORT",
    ]);
    expect(e.message).toMatch(/^Invalid configuration:/);
    expect(e.message).toContain("LOG_LEVEL");
    expect(e.message).toContain('(got "loud")');
    expect(e.message).toContain("postgres://");
  });

  it("never echoes values of secret-like keys", () => {
    try {
      loadConfig({ KEEL_API_TOKEN: "sk-abc", DATABASE_URL: "mysql://user:hunter2@h/db" });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain("sk-abc");
      expect((e as Error).message).not.toContain("hunter2");
    }
  });
});
