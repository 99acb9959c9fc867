import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BOT_SCOPES } from "../../../src/bots/slack/scopes.js";

const root = join(import.meta.dirname, "../../..");
const manifest = JSON.parse(readFileSync(join(root, "slack-manifest.json"), "utf8")) as {
  oauth_config: { scopes: { bot: string[] } };
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("Slack scopes", () => {
  it("the manifest and the OAuth install ask for the same bot scopes", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it("asks for no im:write: nothing opens a DM (conversations.open); DMs go to a user id with chat:write", () => {
    expect(BOT_SCOPES as readonly string[]).not.toContain("im:write");
    const code = sources(join(root, "src")).map((f) => readFileSync(f, "utf8"));
    expect(code.some((c) => /conversations\.open\b/.test(c))).toBe(false);
    // The docs list the same scopes as the manifest.
    const docs = readFileSync(join(root, "docs/slack.md"), "utf8");
    for (const s of BOT_SCOPES) expect(docs).toContain(s);
  });
});
