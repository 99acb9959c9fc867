import { describe, expect, it } from "vitest";
import type { IntentArgs } from "../../src/core/intents/intent.js";
import type { ChannelCapabilities } from "../../src/core/ports/chat-adapter.js";
import type { Reply } from "../../src/core/ports/reply.js";

/**
 * The contract every channel adapter passes (console, Slack, WhatsApp transports). A subject renders
 * a Reply the way the user would receive it and turns a user's choice back into intent arguments.
 */
export interface RenderedMessage {
  /** Text the user reads in this message (buttons' labels excluded). */
  text: string;
}

export interface RenderedChoice {
  label: string;
  /** What the user does to choose it: a button payload, a number typed, a reply-button id… */
  answer: unknown;
}

export interface ChannelContractSubject {
  name: string;
  capabilities: ChannelCapabilities;
  render(
    reply: Reply,
  ): Promise<{ messages: RenderedMessage[]; choices: RenderedChoice[]; warnings?: string[] }>;
  /** Feeds the user's answer back through the adapter's inbound path; returns what the core receives. */
  choose(answer: unknown): Promise<IntentArgs | null>;
}

const draftReply: Reply = {
  text: "Draft #7 — follow-up for *Acme Logistics*. Approve to send it.",
  fields: [{ label: "Status", value: "drafted" }],
  actions: [
    { id: "approve", label: "Approve", style: "primary", intent: { kind: "draft.approve", draftRef: "7" } },
    { id: "edit", label: "Edit", intent: { kind: "draft.edit", draftRef: "7" } },
    { id: "reject", label: "Reject", style: "danger", intent: { kind: "draft.reject", draftRef: "7" } },
  ],
};

export function runChannelContract(make: () => Promise<ChannelContractSubject> | ChannelContractSubject) {
  describe("channel contract", () => {
    it("shows the reply text and every field", async () => {
      const s = await make();
      const { messages } = await s.render(draftReply);
      const all = messages.map((m) => m.text).join("\n");
      expect(all).toContain("Acme Logistics");
      expect(all).toContain("drafted");
    });

    it("offers every action as a choice, in order", async () => {
      const s = await make();
      const { choices } = await s.render(draftReply);
      expect(choices.map((c) => c.label)).toEqual(["Approve", "Edit", "Reject"]);
    });

    it("round-trips each choice to the same intent", async () => {
      const s = await make();
      const { choices } = await s.render(draftReply);
      for (const [i, c] of choices.entries()) {
        expect(await s.choose(c.answer)).toEqual(draftReply.actions![i]!.intent);
      }
    });

    it("splits a long reply into messages within the channel limit, losing nothing", async () => {
      const s = await make();
      const para = "Revenue grew in the north region while margins held steady across products. ";
      const long = Array.from(
        { length: Math.ceil((s.capabilities.maxTextLength * 2.5) / para.length) },
        (_, i) => `${i}: ${para}`,
      ).join("\n");
      const { messages } = await s.render({ text: long });
      expect(messages.length).toBeGreaterThan(1);
      for (const m of messages) expect(m.text.length).toBeLessThanOrEqual(s.capabilities.maxTextLength);
      const joined = messages.map((m) => m.text).join("\n");
      for (const marker of [
        "0: ",
        `${Math.floor(long.split("\n").length / 2)}: `,
        `${long.split("\n").length - 1}: `,
      ])
        expect(joined).toContain(marker);
    });

    it("renders a reply without actions or fields", async () => {
      const s = await make();
      const { messages, choices } = await s.render({ text: "Hello" });
      expect(messages.map((m) => m.text).join("")).toContain("Hello");
      expect(choices).toEqual([]);
    });

    it("an answer that matches no choice produces no action intent", async () => {
      const s = await make();
      await s.render(draftReply);
      const r = await s.choose("not-a-choice-42");
      expect(r === null || !["draft.approve", "draft.reject"].includes(r.kind)).toBe(true);
    });
  });
}
