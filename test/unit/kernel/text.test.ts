import { describe, expect, it } from "vitest";
import { type TextRepairs, wellFormed, wellFormedDeep } from "../../../src/core/kernel/text.js";

const fresh = (): TextRepairs => ({ nul: 0, loneSurrogates: 0 });

describe("wellFormed: inbound text made storable", () => {
  it.each([
    ["drops NUL bytes", "a\u0000b\u0000", "ab", { nul: 2, loneSurrogates: 0 }],
    ["replaces a lone high surrogate", "x\uD83Dy", "x\uFFFDy", { nul: 0, loneSurrogates: 1 }],
    ["replaces a lone low surrogate", "\uDE00x", "\uFFFDx", { nul: 0, loneSurrogates: 1 }],
    ["a high surrogate at the very end", "ok\uD83D", "ok\uFFFD", { nul: 0, loneSurrogates: 1 }],
    [
      "two highs then a low: the first is lone",
      "\uD83D\uD83D\uDE00",
      "\uFFFD😀",
      { nul: 0, loneSurrogates: 1 },
    ],
    ["keeps emoji pairs, skin tones, flags and ZWJ sequences", "😀👍🏽🇩🇪👨‍👩‍👧", "😀👍🏽🇩🇪👨‍👩‍👧", fresh()],
    ["keeps RTL text and direction marks", "שלום ‏مرحبا‎", "שלום ‏مرحبا‎", fresh()],
    ["keeps other control characters (tabs, newlines)", "a\tb\nc", "a\tb\nc", fresh()],
  ])("%s", (_name, input, output, counts) => {
    const r = fresh();
    expect(wellFormed(input, r)).toBe(output);
    expect(r).toEqual(counts);
    // The result serialises and round-trips through JSON unchanged.
    expect(JSON.parse(JSON.stringify(wellFormed(input)))).toBe(output);
  });

  it("repairs every string of a parsed webhook body, keys included, and leaves numbers alone", () => {
    const r = fresh();
    const out = wellFormedDeep({ a: ["x\u0000", { "k\uDC00": "\uD800" }], n: 5, b: true, z: null }, r);
    expect(out).toEqual({ a: ["x", { "k\uFFFD": "\uFFFD" }], n: 5, b: true, z: null });
    expect(r).toEqual({ nul: 1, loneSurrogates: 2 });
  });

  it("64 KB of clean text comes back identical", () => {
    const big = "مرحبا 😀 ".repeat(8_000);
    expect(wellFormed(big)).toBe(big);
  });
});
