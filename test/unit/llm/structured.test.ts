import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseRetryAfter } from "../../../src/core/infra/llm/errors.js";
import { mapOpenAiError } from "../../../src/core/infra/llm/providers/openai.js";
import { extractJson, parseStructured } from "../../../src/core/infra/llm/structured.js";

describe("JSON extraction", () => {
  it("reads plain JSON, fenced blocks and JSON embedded in prose", () => {
    expect(extractJson('{"a":1}')).toEqual({ a: 1 });
    expect(extractJson('Sure!\n```json\n{"a": 2}\n```\nAnything else?')).toEqual({ a: 2 });
    expect(extractJson("```\n[1, 2]\n```")).toEqual([1, 2]);
    expect(extractJson('The answer is {"a": 3} as requested.')).toEqual({ a: 3 });
    expect(extractJson("no json here")).toBeUndefined();
  });

  it("explains schema failures in words the repair request can send back", () => {
    const r = parseStructured(z.object({ n: z.number() }), '{"n":"x"}');
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/^the JSON did not match the schema — n: /),
    });
    expect(parseStructured(z.object({ n: z.number() }), "nope")).toEqual({
      ok: false,
      error: "the reply contained no parseable JSON",
    });
  });
});

describe("Retry-After", () => {
  it("accepts seconds, milliseconds and HTTP dates", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }))).toBe(2_000);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "150" }))).toBe(150);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }), now)).toBe(
      30_000,
    );
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });

  it("maps unknown failures to a typed bad_response", () => {
    expect(mapOpenAiError(new SyntaxError("Unexpected end of JSON"))).toMatchObject({
      code: "provider_error",
      subCode: "bad_response",
    });
  });
});
