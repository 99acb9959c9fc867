import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { usageArgs } from "../../../src/cli/usage.js";

function io() {
  let err = "";
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(String(chunk));
        done();
      },
    });
  return {
    io: { stdout: sink(() => {}), stderr: sink((s) => (err += s)) },
    err: () => err,
  };
}
const now = new Date("2026-11-20T10:00:00Z");

describe("usageArgs: the options of `keel usage` and `keel usage --prompts`", () => {
  it("defaults to the current month (UTC) and reads tenant and --json", () => {
    expect(usageArgs(["-t", "acme", "--json"], io().io, now, "usage\n")).toEqual({
      tenant: "acme",
      month: "2026-11",
      json: true,
    });
    expect(usageArgs(["--month", "2026-02"], io().io, now, "usage\n")).toEqual({
      month: "2026-02",
      json: false,
    });
  });

  it("refuses a month that is not YYYY-MM, with the usage line", () => {
    const c = io();
    expect(usageArgs(["--month", "2026-13"], c.io, now, "Usage: keel usage\n")).toBeNull();
    expect(c.err()).toBe('--month must be YYYY-MM (got "2026-13").\nUsage: keel usage\n');
  });

  it("takes --prompts only where allowed", () => {
    expect(usageArgs(["--prompts"], io().io, now, "u\n")).toBeNull();
    expect(usageArgs(["--prompts"], io().io, now, "u\n", { prompts: true })).toEqual({
      month: "2026-11",
      json: false,
    });
  });
});
