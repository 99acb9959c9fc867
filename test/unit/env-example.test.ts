import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnvSchema, loadConfig } from "../../src/config.js";
import { registerEnvSchemas, registeredEnvKeys } from "../../src/env-schemas.js";

const example = readFileSync(join(import.meta.dirname, "../../.env.example"), "utf8");
const listed = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

describe(".env.example", () => {
  it("lists every configuration key Keel reads", () => {
    registerEnvSchemas();
    const keys = [...Object.keys(baseEnvSchema.shape), ...registeredEnvKeys()];
    expect(keys.filter((k) => !listed.has(k))).toEqual([]);
  });

  it("lists no key Keel does not read", () => {
    registerEnvSchemas();
    const keys = new Set([...Object.keys(baseEnvSchema.shape), ...registeredEnvKeys()]);
    expect([...listed].filter((k) => !keys.has(k))).toEqual([]);
  });

  it("parses as a valid configuration when copied as is", () => {
    registerEnvSchemas();
    const env = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});
