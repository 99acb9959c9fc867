import { describe, expect, it } from "vitest";
import { amount, decimalMarkOf, isoDate, number } from "../../src/core/features/import/fields.js";

/** How people's exports write amounts: every form read to the cent, or refused — never guessed. */
describe("import amounts", () => {
  const cents = (raw: string, decimal?: "," | ".") => {
    const c = amount(raw, { decimal });
    return c.ok ? c.value : c.expected;
  };
  it.each([
    ["1250", undefined, 125_000],
    ["1250.5", undefined, 125_050],
    ["1250.50", undefined, 125_050],
    ["1250,50", undefined, 125_050], // a German/Spanish decimal comma: two digits cannot be a thousands group
    ["8400,5", undefined, 840_050],
    ["12,500.00", undefined, 1_250_000],
    ["12.500,00", undefined, 1_250_000],
    ["12 500,00", undefined, 1_250_000],
    ["12\u00a0500,00", undefined, 1_250_000], // no-break space (French exports)
    ["12\u202f500,00", undefined, 1_250_000], // narrow no-break space (Intl's fr-FR)
    ["12'500.00", undefined, 1_250_000], // Swiss
    ["1,250,000", undefined, 125_000_000],
    ["1.250.000", undefined, 125_000_000],
    ["1.250.000,99", undefined, 125_000_099],
    ["3.200", ",", 320_000], // a German file: a thousands dot
    ["1,250", ".", 125_000], // an English file: a thousands comma
    ["3.200,00", ",", 320_000],
    ["0", undefined, 0],
  ] as const)("%s (decimal mark %s) → %d cents", (raw, decimal, want) => {
    expect(cents(raw, decimal)).toBe(want);
  });

  it.each([
    ["3.200", undefined, /thousand times/],
    ["1,250", undefined, /thousand times/],
    ["12,500.00", ",", /1250\.00/], // contradicts the declared decimal comma
    ["12.500,00", ".", /1250\.00/],
    ["1.250", ".", /1250\.00/], // three decimals in a dot-decimal file is not money
    ["12.345.6", undefined, /1250\.00/],
    ["1,2,3", undefined, /1250\.00/],
    ["1.250,00,00", undefined, /1250\.00/],
    ["€12.500,00", undefined, /no currency sign/],
    ["12500 EUR", undefined, /no currency sign/],
    ["$1,250.00", undefined, /no currency sign/],
    ["-500", undefined, /no negative amounts/],
    ["12x", undefined, /1250\.00/],
    ["1e6", undefined, /1250\.00/],
    ["", undefined, /1250\.00/],
    ["1234567890123456", undefined, /1250\.00/], // beyond 15 digits
    ["12,500.005", undefined, /1250\.00/],
  ] as const)("%s (decimal mark %s) is refused", (raw, decimal, why) => {
    expect(String(cents(raw, decimal))).toMatch(why);
  });
});

describe("import metric values", () => {
  const read = (raw: string, decimal?: "," | ".") => {
    const c = number(raw, { decimal });
    return c.ok ? c.value : c.expected;
  };
  it.each([
    ["-3.5", undefined, -3.5],
    ["0.125", undefined, 0.125], // a rate with three decimals stays a rate in a dot file
    ["12,5", undefined, 12.5],
    ["12,5", ",", 12.5],
    ["-12,75", ",", -12.75],
    ["1.250,75", undefined, 1250.75],
    ["1.250", ",", 1250],
    ["1.250", ".", 1.25],
    ["0,125", ",", 0.125],
  ] as const)("%s (decimal mark %s) → %d", (raw, decimal, want) => {
    expect(read(raw, decimal)).toBe(want);
  });
  it.each([["0,125"], ["1e999"], ["abc"], ["1,2,3"]])("%s without a decimal mark is refused", (raw) => {
    expect(typeof read(raw)).toBe("string");
  });
});

describe("import dates", () => {
  it.each([
    ["2026-01-31", "2026-01-31"],
    ["2026/1/5", "2026-01-05"],
    ["31.01.2026", "2026-01-31"],
    ["5.3.2027", "2027-03-05"],
  ])("%s → %s", (raw, want) => {
    expect(isoDate(raw)).toEqual({ ok: true, value: want });
  });
  it.each([
    ["03/04/2026", /US and in Europe/],
    ["12/31/2026", /US and in Europe/],
    ["31.02.2026", /real date/],
    ["2026-13-01", /real date/],
    ["26-01-31", /real date/],
    ["31.01.26", /real date/],
    ["tomorrow", /real date/],
  ])("%s is refused", (raw, why) => {
    const c = isoDate(raw);
    expect(c.ok ? c.value : c.expected).toMatch(why);
  });
});

describe("decimal mark of a tenant locale", () => {
  it.each([
    ["de-DE", ","],
    ["es-ES", ","],
    ["en-US", "."],
    ["en-GB", "."],
    ["fr-FR", ","],
    ["xx-not-a-locale!", undefined],
    [undefined, undefined],
  ] as const)("%s → %s", (locale, mark) => {
    expect(decimalMarkOf(locale)).toBe(mark);
  });
});
