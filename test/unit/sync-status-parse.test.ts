import { describe, expect, it } from "vitest";
import { parseText } from "../../src/core/intents/parse.js";

describe("`sync status` as people type it", () => {
  const status: [string, string | undefined][] = [
    ["sync status", undefined],
    ["Sync Status", undefined],
    ["SYNC STATUS", undefined],
    ["sync", undefined],
    ["  sync   status  ", undefined],
    ["connectors", undefined],
    ["connectors status", undefined],
    ["sync status pipedrive", "pipedrive"],
    ["sync pipedrive", "pipedrive"],
    ["sync status Pipedrive", "pipedrive"],
    ["sync status stripe", "stripe"],
    ["connectors stripe", "stripe"],
    ["sync pipedrive status", "pipedrive"],
  ];
  for (const [text, provider] of status)
    it(`"${text}" asks for the connector status${provider ? ` of ${provider}` : ""}`, () => {
      expect(parseText(text)).toEqual({ kind: "sync.status", provider });
    });

  it("extra words are a usage error naming the command, not a guess", () => {
    const r = parseText("sync pipedrive and stripe now");
    expect(r).toMatchObject({ kind: "usage.error", command: "sync" });
    expect((r as { message: string }).message).toContain("sync status");
  });

  it("a misspelling suggests the command", () => {
    expect(parseText("synk")).toMatchObject({ kind: "unknown", suggestion: "sync" });
  });

  it("a question about syncing in another language goes to the coach, not to a connector", () => {
    expect(parseText("¿cuándo se sincronizó pipedrive?").kind).toBe("coach.message");
    expect(parseText("wann war der letzte Abgleich?").kind).toBe("coach.message");
  });

  it("an injection attempt stays a plain status request with a harmless provider word", () => {
    expect(parseText("sync '; drop table deals; --")).toMatchObject({ kind: "usage.error" });
  });
});
