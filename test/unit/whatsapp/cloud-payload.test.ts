import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWebhook } from "../../../src/bots/whatsapp/cloud/payload.js";
import { signBody, verifySignature } from "../../../src/bots/whatsapp/cloud/signature.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/whatsapp/${name}`, import.meta.url), "utf8");

describe("Cloud API webhook payloads", () => {
  it("reads a text message, a button reply and a status from recorded payloads", () => {
    const text = parseWebhook(JSON.parse(fixture("text-message.json")))!;
    expect(text.messages).toEqual([
      {
        account: "106540352242922",
        from: "+15550000001",
        messageId: "wamid.HBgLMTU1NTAwMDAwMDEVAgASGBQzQUE1RjQ5QjA3QzI2RjU0NjBFMQA=",
        at: new Date(1_767_261_600_000),
        content: { type: "text", text: "cashflow 90" },
      },
    ]);
    const button = parseWebhook(JSON.parse(fixture("button-reply.json")))!;
    expect(button.messages[0]!.content).toEqual({ type: "button", ref: "kq3Zt0yGQm1VYbh", title: "Approve" });
    const st = parseWebhook(JSON.parse(fixture("status-failed.json")))!;
    expect(st.statuses[0]).toMatchObject({
      messageId: "wamid.HBgLMTU1NTAwMDAwMDEVAgARGBI1RjQ0QUM0N0Y4NkEwRUQ3QjMA",
      status: "failed",
      errorCode: 131047,
    });
  });

  it("ignores reactions and anything that is not a WhatsApp webhook", () => {
    const reaction = JSON.parse(fixture("text-message.json"));
    reaction.entry[0].changes[0].value.messages[0] = {
      from: "15550000001",
      id: "wamid.R",
      timestamp: "1767261600",
      type: "reaction",
      reaction: { message_id: "wamid.X", emoji: "👍" },
    };
    expect(parseWebhook(reaction)!.messages).toEqual([]);
    expect(parseWebhook({ object: "page", entry: [] })).toBeNull();
  });

  it("verifies X-Hub-Signature-256 over the exact raw bytes", () => {
    const raw = Buffer.from(fixture("text-message.json"));
    const sig = signBody(raw, "secret");
    expect(verifySignature(raw, sig, "secret")).toBe(true);
    expect(verifySignature(Buffer.from(`${raw.toString()} `), sig, "secret")).toBe(false);
    expect(verifySignature(raw, sig.slice(0, -2), "secret")).toBe(false);
    expect(verifySignature(raw, undefined, "secret")).toBe(false);
  });
});
