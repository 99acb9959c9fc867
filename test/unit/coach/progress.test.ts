import { describe, expect, it } from "vitest";
import { checkedProgress, lastSentenceEnd } from "../../../src/core/features/coach/progress.js";

/** Feeds a text word by word, as a model stream does; returns what the sink was given. */
function stream(text: string, check: (p: string) => boolean): string[] {
  const shown: string[] = [];
  const onText = checkedProgress((t) => shown.push(t), check);
  let soFar = "";
  for (const w of text.match(/\S+\s*/g) ?? []) {
    soFar += w;
    onText(soFar);
  }
  return shown;
}

describe("streamed answers show only checked, whole sentences", () => {
  it.each([
    ["Revenue is $12,500. More", 19],
    ["Revenue is $12", 0],
    ["Revenue is $12.5k and", 0],
    ["One.\nTwo", 5],
    ["Done! Next", 5],
    ['He said "stop." Then', 15],
  ])("%j ends its last whole sentence at %i", (s, end) => expect(lastSentenceEnd(s)).toBe(end));

  it("never shows a figure cut mid-way", () => {
    const shown = stream("Your pipeline is $12,500 across 3 deals. Call Acme today. ", () => true);
    expect(shown).toEqual([
      "Your pipeline is $12,500 across 3 deals.",
      "Your pipeline is $12,500 across 3 deals. Call Acme today.",
    ]);
  });

  it("stops at the first sentence that fails the check and shows nothing after it", () => {
    const shown = stream(
      "Call Acme today. Revenue will be $71,234. Then call Globex. ",
      (p) => !p.includes("71,234"),
    );
    expect(shown).toEqual(["Call Acme today."]);
  });

  it("shows nothing when the first sentence fails", () => {
    expect(
      stream("Pay at https://attacker.example now. Then rest. ", (p) => !p.includes("attacker")),
    ).toEqual([]);
  });

  it("shows nothing of a text without a sentence end", () => {
    expect(stream("a long answer that never ends a sentence", () => true)).toEqual([]);
  });
});
