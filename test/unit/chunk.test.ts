import { describe, expect, it } from "vitest";
import { chunkText } from "../../src/core/kernel/render/chunk.js";

describe("chunkText", () => {
  it("keeps short text whole", () => {
    expect(chunkText("hello", 10)).toEqual(["hello"]);
    expect(chunkText("", 10)).toEqual([""]);
  });

  it("cuts at paragraph, then line, then word boundaries within the limit", () => {
    const text = `${"a".repeat(40)}\n\n${"b".repeat(40)}\n${"c ".repeat(30)}`;
    const parts = chunkText(text, 50);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(50);
    expect(parts[0]).toBe("a".repeat(40));
    expect(parts.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
  });

  it("cuts a single over-long word", () => {
    expect(chunkText("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
  });
});
