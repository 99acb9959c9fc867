import { describe, expect, it } from "vitest";
import { fitContext } from "../../../src/core/infra/llm/context-window.js";
import {
  costMicros,
  countMessageTokens,
  countTextTokens,
  DEFAULT_PRICES,
  isLlmError,
  priceFor,
  tokenFamily,
} from "../../../src/core/infra/llm/index.js";
import type { ChatMessage } from "../../../src/core/ports/llm.js";

describe("token counting", () => {
  it("uses the bundled o200k/cl100k encodings for OpenAI models and an approximation otherwise", () => {
    expect(tokenFamily("gpt-4o-mini")).toBe("o200k");
    expect(tokenFamily("gpt-4.1")).toBe("o200k");
    expect(tokenFamily("gpt-4-0613")).toBe("cl100k");
    expect(tokenFamily("llama3.1:8b")).toBe("approx");
    expect(countTextTokens("hello world", "gpt-4o")).toBe(2);
    expect(countTextTokens("hello world", "gpt-4")).toBe(2);
    expect(countTextTokens("a".repeat(35), "llama3.1:8b")).toBe(10);
    // 3 priming + (3 framing + 2) per message
    expect(countMessageTokens([{ role: "user", content: "hello world" }], "gpt-4o")).toBe(8);
  });
});

describe("pricing", () => {
  it("prices real list prices in micro-dollars; local models are free; unknown cloud models are not under-charged", () => {
    expect(costMicros(priceFor(DEFAULT_PRICES, "gpt-4o-mini", false), 1_000_000, 1_000_000)).toBe(750_000);
    expect(costMicros(priceFor(DEFAULT_PRICES, "gpt-4o-2024-08-06", false), 1_000, 1_000)).toBe(12_500);
    expect(costMicros(priceFor(DEFAULT_PRICES, "gpt-4o", true), 1_000, 1_000)).toBe(0);
    expect(priceFor(DEFAULT_PRICES, "mystery-model", false).out).toBe(30);
  });
});

const msg = (role: ChatMessage["role"], i: number): ChatMessage => ({
  role,
  content: `${role} message ${i} `.repeat(10),
});
// approx family: ~ chars / 3.5 + 4 per message
const convo = (n: number): ChatMessage[] => [
  msg("system", 0),
  ...Array.from({ length: n }, (_, i) => msg(i % 2 ? "assistant" : "user", i + 1)),
  msg("user", 999),
];

describe("context window", () => {
  const opts = { model: "local-x", limit: 1_000, maxOutputTokens: 100, strategy: "sliding_window" as const };

  it("passes small requests untouched and warns from 75 %", () => {
    const small = fitContext(convo(2), opts);
    expect(small).toMatchObject({ dropped: 0, warnings: [] });
    const n = Array.from({ length: 40 }, (_, i) => i).find((i) => {
      const s = (countMessageTokens(convo(i), "local-x") + 100) / 1_000;
      return s >= 0.75 && s <= 0.85;
    })!;
    const warned = fitContext(convo(n), opts);
    expect(warned.dropped).toBe(0);
    expect(warned.warnings[0]).toMatch(/^context (7[5-9]|8[0-5])% of 1000 tokens$/);
  });

  it("sliding window drops the oldest history until under 85 %", () => {
    const input = convo(30);
    const r = fitContext(input, opts);
    expect(r.usage).toBeLessThanOrEqual(0.85);
    expect(r.messages[0]).toEqual(input[0]);
    expect(r.messages.at(-1)).toEqual(input.at(-1));
    expect(r.messages.at(-2)).toEqual(input.at(-2));
    expect(r.messages[1]).not.toEqual(input[1]);
  });

  it("keep_ends keeps system + first + most recent", () => {
    const input = convo(30);
    const r = fitContext(input, { ...opts, strategy: "keep_ends" });
    expect(r.messages[1]).toEqual(input[1]);
    expect(r.messages.at(-2)).toEqual(input.at(-2));
    expect(r.usage).toBeLessThanOrEqual(0.85);
    expect(r.warnings[0]).toMatch(/^context truncated \(keep_ends\): dropped \d+ history message/);
  });

  it("raises context_overflow when the current message alone is too big", () => {
    try {
      fitContext([msg("system", 0), { role: "user", content: "x".repeat(4_000) }], opts);
      expect.unreachable();
    } catch (e) {
      expect(isLlmError(e) && e.subCode).toBe("context_overflow");
    }
  });
});
