import { describe, expect, it } from "vitest";
import { extractNumbers } from "../../../src/core/features/provenance/numbers.js";

// Numerals, number words and "x3" all build their mention the same way: the first reading is the
// value, `percent` follows the kind, and only a numeral can carry a scale or a sign.
describe("number mentions share one shape", () => {
  it("a numeral with scale and sign: value and tolerance from the first reading, after scale", () => {
    const [m] = extractNumbers("revenue fell -41.3k this month");
    expect(m).toMatchObject({
      raw: "-41.3k",
      value: -41_300,
      kind: "number",
      percent: false,
      scale: 1000,
      signed: true,
    });
    expect(m!.tolerance).toBeCloseTo(50);
    expect(m!.readings[0]).toEqual({ value: m!.value, tolerance: m!.tolerance });
  });

  it("a number word: unscaled, unsigned, percent when the kind is", () => {
    const [m] = extractNumbers("margins grew twenty percent");
    expect(m).toMatchObject({
      raw: "twenty",
      value: 20,
      kind: "percent",
      percent: true,
      scale: 1,
      signed: false,
    });
    expect(m!.readings).toEqual([{ value: 20, tolerance: 1e-9 }]);
  });
});
