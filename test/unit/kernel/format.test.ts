import { describe, expect, it } from "vitest";
import { decimalAmount, formatCostMicros, formatMoney } from "../../../src/core/kernel/format.js";

describe("formatMoney: one money rule for every reply", () => {
  it.each([
    [4_800_000, "USD", "$48,000"],
    [10_000, "USD", "$100"],
    [150_050, "USD", "$1,501"],
    [9_999, "USD", "$99.99"],
    [1_500, "USD", "$15.00"],
    [0, "USD", "$0.00"],
    [-1, "USD", "-$0.01"],
    [-250_000, "GBP", "-£2,500"],
    [1_550, "usd", "$15.50"],
    [1_500, "JPY", "¥15"],
  ])("%d minor %s → %s", (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });

  it("defaults to US dollars in en-US", () => {
    expect(formatMoney(123_456)).toBe("$1,235");
  });

  it("follows the locale's separators and symbol placement", () => {
    // Intl puts a no-break space before the symbol; compare as plain spaces.
    const plain = (s: string) => s.replace(/\s/g, " ");
    expect(plain(formatMoney(123_456_789, "EUR", "de-DE"))).toBe("1.234.568 €");
    expect(plain(formatMoney(1_234, "EUR", "fr-FR"))).toBe("12,34 €");
  });

  it("a rounding remainder is not shown as a loss", () => {
    expect(formatMoney(-0.4, "USD")).toBe("$0.00");
  });

  it("a malformed currency code is shown, not thrown", () => {
    expect(formatMoney(1_250, "dollars")).toBe("12.50 dollars");
  });
});

describe("formatCostMicros", () => {
  it("keeps tenths of a cent below one cent and cents above", () => {
    expect(formatCostMicros(1_500)).toBe("$0.0015");
    expect(formatCostMicros(20_000_000)).toBe("$20.00");
    expect(formatCostMicros(0)).toBe("$0.0000");
  });
});

describe("decimalAmount: an amount as the REST API, import messages and model prompts write it", () => {
  it.each([
    [123_450, "1234.50"],
    [5, "0.05"],
    [0, "0.00"],
    [-1_999, "-19.99"],
    [4_800_000, "48000.00"],
  ])("%i minor units → %s", (minor, text) => {
    expect(decimalAmount(minor)).toBe(text);
  });
});
