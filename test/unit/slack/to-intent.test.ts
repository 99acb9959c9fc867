import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  commandToIntent,
  decodeSlackText,
  isPrivateCommand,
  messageToIntent,
} from "../../../src/bots/slack/to-intent.js";

const fixtures = JSON.parse(
  readFileSync(new URL("../../fixtures/slack/slash-commands.json", import.meta.url), "utf8"),
) as {
  command: string;
  text: string;
  expect: Record<string, unknown>;
}[];

describe("slash command → intent (recorded command texts)", () => {
  for (const f of fixtures) {
    it(`${f.command} ${f.text || "(empty)"} → ${f.expect.kind}`, () => {
      expect(commandToIntent(f.command, f.text)).toMatchObject(f.expect);
    });
  }

  it("/keel help, settings, usage and digest are private; /deal is not", () => {
    expect(isPrivateCommand("/keel", "usage")).toBe(true);
    expect(isPrivateCommand("/keel", "")).toBe(true);
    expect(isPrivateCommand("/deal", "Acme")).toBe(false);
  });
});

describe("messages", () => {
  it("removes the bot's own mention before parsing", () => {
    expect(messageToIntent("<@UKEEL> deal Acme", "UKEEL")).toEqual({ kind: "deal.show", query: "Acme" });
    expect(messageToIntent("<@UKEEL>", "UKEEL")).toEqual({ kind: "help" });
  });

  it("free text goes to the coach with Slack's encoding decoded", () => {
    expect(messageToIntent("<@UKEEL> should I hire &amp; <https://ex.com|expand>?", "UKEEL")).toEqual({
      kind: "coach.message",
      text: "should I hire & expand (https://ex.com)?",
    });
  });

  it("decodes mentions, channels and specials", () => {
    expect(decodeSlackText("<@U1> in <#C1|general> <!here> a &lt;b&gt;")).toBe("@U1 in #general @here a <b>");
  });
});
