import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_KEYS, loadConfig } from "../../src/config.js";

const example = readFileSync(join(import.meta.dirname, "../../.env.example"), "utf8");
const listed = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

describe(".env.example", () => {
  it("lists every configuration key Keel reads", () => {
    expect(ENV_KEYS.filter((k) => !listed.has(k))).toEqual([]);
  });

  it("lists no key Keel does not read", () => {
    const keys = new Set(ENV_KEYS);
    expect([...listed].filter((k) => !keys.has(k))).toEqual([]);
  });

  it("parses as a valid configuration when copied as is", () => {
    const env = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});
