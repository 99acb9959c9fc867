import {
  count,
  day,
  days,
  money,
  percent,
  ratio,
  type TypedFact,
} from "../../../src/core/features/provenance/index.js";

/**
 * The number-format corpus: each form is a way a figure is written, paired with the computed fact it
 * denotes (must validate) and a wrong fact (must not). Generated from format functions applied to
 * several values, plus hand-written forms for signs, ratios, fractions, ordinals, dates, durations.
 */
export interface Form {
  text: string;
  fact: TypedFact;
  wrong: TypedFact;
}

const ARABIC = "٠١٢٣٤٥٦٧٨٩";
const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
const DEVANAGARI = "०१२३४५६७८९";
const THAI = "๐๑๒๓๔๕๖๗๘๙";
const script = (s: string, digits: string) => s.replace(/\d/g, (d) => digits[Number(d)] as string);
const fullWidth = (s: string) => s.replace(/[\d,.$%]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const en = (n: number, dec = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: dec, maximumFractionDigits: dec });
const de = (n: number, dec = 0) =>
  n.toLocaleString("de-DE", { minimumFractionDigits: dec, maximumFractionDigits: dec });
const ch = (n: number, dec = 0) => en(n, dec).replace(/,/g, "'");
const inr = (n: number) => n.toLocaleString("en-IN");
const frNbsp = (n: number, dec = 0) => de(n, dec).replace(/\./g, "\u202f");

type Fmt = (n: number) => string;
const USD_FORMS: Fmt[] = [
  (n) => `$${en(n)}`,
  (n) => `$${en(n, 2)}`,
  (n) => `$ ${en(n)}`,
  (n) => `${en(n)} USD`,
  (n) => `USD ${en(n)}`,
  (n) => `USD${en(n)}`,
  (n) => `USD${n}`,
  (n) => `${n}USD`,
  (n) => `${en(n)} dollars`,
  (n) => `US$${en(n)}`,
  (n) => `${en(n)}$`,
  (n) => fullWidth(`$${en(n)}`),
  (n) => `$${script(en(n), ARABIC).replace(/,/g, "٬")}`,
  (n) => `${script(en(n), PERSIAN).replace(/,/g, "٬")} USD`,
  (n) => `$${script(en(n), DEVANAGARI)}`,
  (n) => `$${script(en(n), THAI)}`,
  (n) => `$${(n / 1000).toFixed(2)}k`,
  (n) => `$${(n / 1000).toFixed(1)}K`,
  (n) => `${(n / 1e6).toPrecision(4)}M USD`,
  (n) => `USD ${ch(n)}`,
  (n) => `$${n}`,
  (n) => `around $${en(n)}`,
  (n) => `${(n / 1000).toFixed(1)} thousand dollars`,
];
const EUR_FORMS: Fmt[] = [
  (n) => `€${en(n, 2)}`,
  (n) => `${de(n, 2)} €`,
  (n) => `${de(n, 2)}€`,
  (n) => `EUR ${de(n, 2)}`,
  (n) => `${de(n, 2)} EUR`,
  (n) => `EUR${String(n.toFixed(2)).replace(".", ",")}`,
  (n) => `${frNbsp(n, 2)} €`,
  (n) => `${de(n, 2).replace(/\./g, " ")} €`,
  (n) => `€ ${de(n, 2)}`,
  (n) => `${de(n, 2).replace(/\./g, "\u00a0")} EUR`,
  (n) => `${en(n, 2)} euros`,
  (n) => fullWidth(`${en(n, 2)}`) + " EUR",
];
const CHF_FORMS: Fmt[] = [
  (n) => `CHF ${ch(n, 2)}`,
  (n) => `${ch(n, 2)} CHF`,
  (n) => `Fr. ${ch(n, 2)}`,
  (n) => `CHF${ch(n)}`,
];
const INR_FORMS: Fmt[] = [(n) => `₹${inr(n)}`, (n) => `INR ${inr(n)}`, (n) => `${inr(n)} rupees`];
const SCALED_FORMS: [Fmt, number][] = [
  [(n) => `${(n / 1e6).toFixed(1)}M`, 1e6],
  [(n) => `${(n / 1e6).toFixed(1)} million`, 1e6],
  [(n) => `${(n / 1e6).toFixed(1).replace(".", ",")} Mio`, 1e6],
  [(n) => `${(n / 1e6).toFixed(1)}mn`, 1e6],
  [(n) => `${(n / 1e6).toFixed(1)} mm`, 1e6],
  [(n) => `€${(n / 1e6).toFixed(1)}m`, 1e6],
  [(n) => `${n / 1e3}k`, 1e3],
  [(n) => `${(n / 1e9).toFixed(4)}bn`, 1e9],
  [(n) => `${(n / 1e9).toFixed(4)} billion`, 1e9],
  [(n) => `${(n / 1e5).toFixed(0)} lakh`, 1e5],
  [(n) => `${(n / 1e6).toFixed(1)} millions`, 1e6],
  [(n) => `€${(n / 1e6).toFixed(1)}M`, 1e6],
  [(n) => `${(n / 1e6).toFixed(1)}M EUR`, 1e6],
  [(n) => `${(n / 1e6).toFixed(1)} k€`.replace(/^(.*) k€$/, (_, x) => `${Number(x) * 1000} k€`), 1e3],
];

const moneyForms = (forms: Fmt[], values: number[], currency: string): Form[] =>
  values.flatMap((v) =>
    forms.map((f) => ({
      text: f(v),
      fact: money("x", Math.round(v * 100), currency),
      wrong: money("x", Math.round(v * 117), currency),
    })),
  );

const pct = (t: string, v: number, w = v * 1.3 + 3): Form => ({
  text: t,
  fact: percent("p", v),
  wrong: percent("p", w),
});
const dt = (t: string, iso = "2025-03-15", wrong = "2025-04-16"): Form => ({
  text: t,
  fact: day("d", iso),
  wrong: day("d", wrong),
});
const cnt = (t: string, v: number, w = v + 7): Form => ({
  text: t,
  fact: count("n", v),
  wrong: count("n", w),
});
const rat = (t: string, v: number, w = v + 2): Form => ({
  text: t,
  fact: ratio("r", v),
  wrong: ratio("r", w),
});
const dur = (t: string, v: number, w = v * 2 + 5): Form => ({
  text: t,
  fact: days("t", v),
  wrong: days("t", w),
});

const ALL: Form[] = [
  ...moneyForms(USD_FORMS, [41_250, 980, 15_000, 1_309_955], "USD"),
  ...moneyForms(EUR_FORMS, [1_234.56, 469_415.5, 88_000], "EUR"),
  ...moneyForms(CHF_FORMS, [12_345.5, 2_750], "CHF"),
  ...moneyForms(INR_FORMS, [1_234_567, 250_000], "INR"),
  ...[2_500_000, 7_100_000].flatMap((v) =>
    SCALED_FORMS.map(([f]) => ({
      text: f(v),
      fact: money("x", v * 100, "EUR"),
      wrong: money("x", v * 130, "EUR"),
    })),
  ),
  // Signs and percentages, incl. the context's own "(-27.6%)" and an honest "fell 27.6 %".
  ...[
    "(-27.6%)",
    "-27.6%",
    "−27.6 %",
    "Revenue fell 27.6 %",
    "down 27.6 percent",
    "27.6 per cent lower",
    "-27,6 %",
    "−27,6 %",
    "(27.6%)",
    "a 28% drop",
    "27.6 pct",
    "٢٧٫٦٪ أقل",
    "－２７．６％",
    "minus 27.6%",
    "−27.6\u00a0%",
    "fell by 27.60%",
  ].map((t) => pct(t, -27.6, -35)),
  ...["+25%", "+25.0%", "25 %", "up 25 percent", "25,0 %", "＋２５％", "٢٥٪", "a quarter? no: 25%"].map((t) =>
    pct(t, 25),
  ),
  ...["50 bps", "50 basis points", "0.5%", "5‰", "0,5 %"].map((t) => pct(t, 0.5, 0.9)),
  // Ratios and multipliers.
  ...["3x", "3×", "×3", "x3", "3-fold", "3 times", "3.0x", "threefold? 3x", "3 x", "grew 3x"].map((t) =>
    rat(t, 3),
  ),
  ...["1.25x", "+25%", "125%", "1,25x"].map((t) => rat(t, 1.25, 1.6)),
  // Fractions.
  ...["1/2", "½", "2/4 of the deals", "1 / 2"].map((t) => rat(t, 0.5, 0.8)),
  ...["3/4", "¾"].map((t) => pct(t, 75, 60)),
  ...["2/3 deals are stuck", "⅔ stuck"].map((t) => ({
    text: t,
    fact: ratio("r", 2 / 3),
    wrong: ratio("r", 0.4),
  })),
  // Ordinals.
  ...[
    ["3rd", 3],
    ["21st", 21],
    ["2nd largest", 2],
    ["4th", 4],
    ["42nd", 42],
    ["11th", 11],
    ["３rd", 3],
  ].map(([t, v]) => cnt(t as string, v as number)),
  // Counts and number words.
  ...[
    ["23 deals", 23],
    ["twenty-three deals", 23],
    ["twenty three deals", 23],
    ["٢٣ صفقة", 23],
    ["２３ deals", 23],
    ["२३ deals", 23],
    ["41 open deals", 41],
    ["forty-one open deals", 41],
    ["one hundred and twelve invoices", 112],
    ["112 invoices", 112],
    ["seven stuck deals", 7],
    ["7 stuck deals", 7],
    ["twelve", 12],
    ["62 calls", 62],
    ["1,000 customers", 1000],
    ["1.000 Kunden", 1000],
    ["one thousand customers", 1000],
  ].map(([t, v]) => cnt(t as string, v as number)),
  // Dates.
  ...[
    "2025-03-15",
    "2025/03/15",
    "2025.03.15",
    "03/15/2025",
    "15/03/2025",
    "15.03.2025",
    "15-03-2025",
    "3/15/25",
    "15/3/25",
    "15.3.25",
    "March 15, 2025",
    "Mar 15 2025",
    "Mar. 15, 2025",
    "15 March 2025",
    "15th of March 2025",
    "March 15th",
    "march 15",
    "15 mars 2025",
    "15. März 2025",
    "15 de marzo de 2025",
    "due 3/15",
    "by 15/3",
    "2025-03-15T10:00:00Z",
    "١٥/٠٣/٢٠٢٥",
    "２０２５－０３－１５",
    "15 Mar",
    "on 3/15",
    "Saturday, March 15, 2025",
  ].map((t) => dt(t)),
  ...["March 2025", "in 2025"].map((t) => dt(t, "2025-03-15", "2024-02-10")),
  // Durations.
  ...["20 days", "20d", "20 day", "in 20 days", "20 business days", "20 working days", "٢٠ يوم days"].map(
    (t) => dur(t, 20),
  ),
  ...["3 weeks", "3 wks", "21 days", "3w"].map((t) => dur(t, 21)),
  ...["2 months", "60 days", "2 mos"].map((t) => dur(t, 60)),
  ...["48 hours", "48h", "2 days"].map((t) => dur(t, 2)),
  ...["1 year", "365 days", "1 yr", "12 months"].map((t) => dur(t, 365, 500)),
  // Negative money.
  ...["-$1,200", "$-1,200", "−$1,200", "down $1,200", "(1,200)", "-1.200 €", "USD -1,200"].map((t) => ({
    text: t,
    fact: money("m", -120_000, t.includes("€") ? "EUR" : "USD"),
    wrong: money("m", -150_000, t.includes("€") ? "EUR" : "USD"),
  })),
];

export const FORMS: Form[] = ALL.filter(
  (f, i) =>
    ALL.findIndex((g) => g.text === f.text && JSON.stringify(g.fact) === JSON.stringify(f.fact)) === i,
);

/** Forms that must be refused even though a nearby fact exists: a sign or kind that does not fit. */
export const REFUSED: { text: string; facts: TypedFact[] }[] = [
  { text: "+27.6%", facts: [percent("p", -27.6)] },
  { text: "3x growth", facts: [count("n", 3)] },
  // Zero at a coarse precision is not a rounding of a real amount (found by bench:llm-truth).
  { text: "Also worth knowing: 0.000bn.", facts: [money("m", 1_500_000, "USD")] },
  { text: "0k in new deals", facts: [count("n", 300)] },
  { text: "€41,250", facts: [money("m", 4_125_000, "USD")] },
  { text: "41,250 GBP", facts: [money("m", 4_125_000, "USD")] },
  { text: "$9,999,999", facts: [count("n", 3), money("m", 4_125_000, "USD")] },
  { text: "in 50 days", facts: [days("t", 20)] },
  { text: "2026-03-15", facts: [day("d", "2025-03-15")] },
  { text: "03/16/2025", facts: [day("d", "2025-03-15")] },
  { text: "$71,234", facts: [money("m", 7_123_300, "USD")] },
  { text: "9/10 deals", facts: [count("n", 10)] },
];
