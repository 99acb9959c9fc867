import { describe, expect, it } from "vitest";
import { blockText, renderReply } from "../../../src/bots/slack/render/blocks.js";
import type { Reply } from "../../../src/core/ports/reply.js";

const all = (r: ReturnType<typeof renderReply>) => r.messages.flatMap((m) => m.blocks);

describe("Reply → Block Kit", () => {
  it("renders text, fields, titled sections, sources and buttons, with a text fallback", () => {
    const reply: Reply = {
      text: "**Pipeline** looks healthy",
      fields: [{ label: "Open", value: "12" }],
      sections: [{ title: "Stuck", text: "- Acme", fields: [{ label: "Days", value: "40" }] }],
      sources: [{ label: "deals", detail: "12 open deals, 2026-11-21" }],
      actions: [
        {
          id: "approve",
          label: "Approve",
          style: "primary",
          intent: { kind: "draft.approve", draftRef: "1" },
        },
      ],
    };
    const r = renderReply(reply, { actionValues: ["ref1"] });
    expect(r.messages).toHaveLength(1);
    const types = all(r).map((b) => b.type);
    expect(types).toEqual(["section", "section", "section", "section", "context", "actions"]);
    expect(r.messages[0]!.text).toContain("*Pipeline* looks healthy");
    const actions = all(r).find((b) => b.type === "actions") as {
      elements: { value: string; style?: string }[];
    };
    expect(actions.elements[0]).toMatchObject({ value: "ref1", style: "primary" });
  });

  it("never puts an intent in a button; actions without a reference are dropped with a warning", () => {
    const r = renderReply({
      text: "x",
      actions: [{ id: "a", label: "A", intent: { kind: "draft.approve", draftRef: "1" } }],
    });
    expect(all(r).some((b) => b.type === "actions")).toBe(false);
    expect(r.warnings.join()).toMatch(/dropped/);
  });

  it("respects section (3,000), fields (10), actions (25) and blocks (50) limits by splitting", () => {
    const text = "word ".repeat(20_000);
    const reply: Reply = {
      text,
      fields: Array.from({ length: 23 }, (_, i) => ({ label: `L${i}`, value: "v".repeat(2500) })),
      sections: Array.from({ length: 60 }, (_, i) => ({ text: `section ${i}` })),
      actions: Array.from({ length: 30 }, (_, i) => ({
        id: `a${i}`,
        label: `Action ${i} ${"x".repeat(100)}`,
        intent: { kind: "help" },
      })),
    };
    const r = renderReply(reply, { actionValues: reply.actions!.map((_, i) => `ref${i}`) });
    expect(r.messages.length).toBeGreaterThan(2);
    for (const m of r.messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      expect(m.blocks.map(blockText).join("").length).toBeLessThanOrEqual(12_000 + 100);
      expect(m.text.length).toBeGreaterThan(0);
      for (const b of m.blocks) {
        if (b.type === "section" && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
        if (b.type === "section" && b.fields) {
          expect(b.fields.length).toBeLessThanOrEqual(10);
          for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
        }
        if (b.type === "actions") {
          expect(b.elements.length).toBeLessThanOrEqual(25);
          for (const e of b.elements)
            if (e.type === "button") expect(e.text.text.length).toBeLessThanOrEqual(75);
        }
      }
    }
    const buttons = r.messages
      .flatMap((m) => m.blocks)
      .filter((b) => b.type === "actions")
      .flatMap((b) => (b.type === "actions" ? b.elements : []));
    expect(buttons).toHaveLength(30);
    const sectionTexts = r.messages.map((m) => m.blocks.map(blockText).join("\n")).join("\n");
    expect(sectionTexts).toContain("section 59");
  });

  it("an image without bytes becomes a caption; the text fallback is always set", () => {
    const r = renderReply({ text: "", image: { alt: "chart of <!channel>", path: "/tmp/c.png" } });
    expect(r.messages[0]!.text).toContain("&lt;!channel&gt;");
    expect(renderReply({ text: "" }).messages[0]!.text).toBe("(no text)");
  });
});
