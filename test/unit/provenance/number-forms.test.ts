import { describe, expect, it } from "vitest";
import { checkFigures, factContext } from "../../../src/core/features/provenance/index.js";
import { FORMS, REFUSED } from "./number-forms.js";

describe("number reader: every way a figure is written", () => {
  it("has at least 300 forms, all distinct", () => {
    expect(FORMS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(FORMS.map((f) => `${f.text}|${JSON.stringify(f.fact)}`)).size).toBe(FORMS.length);
  });

  it.each(FORMS.map((f, i) => [i, f.text, f] as const))(
    "#%i %s: read, validated, and refused when wrong",
    (_i, text, f) => {
      const good = checkFigures(text, factContext([f.fact]));
      expect(good.checked, "the reader saw a figure").toBeGreaterThan(0);
      expect(good, "the computed fact supports it").toMatchObject({ ok: true });
      expect(checkFigures(text, factContext([f.wrong])).ok, "a different fact does not").toBe(false);
    },
  );

  it.each(REFUSED.map((r) => [r.text, r] as const))(
    "refuses %s (sign, kind or currency does not fit)",
    (_t, r) => {
      expect(checkFigures(r.text, factContext(r.facts)).ok).toBe(false);
    },
  );
});
