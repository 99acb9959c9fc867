import { isCashBalanceMetric } from "../../intents/cash-balance.js";
import { MONTH_NAMES } from "../../kernel/calendar.js";
import { editDistance } from "../../kernel/text.js";
import type { BusinessQuery, Measure, QueryWindow } from "./query.js";

/** What the tenant's data names: resolved against, so "fjord" finds "Fjord Seafood". */
export interface Vocabulary {
  customers: string[];
  reps: { id: string; name: string }[];
  stages: string[];
  metrics: { key: string; name: string }[];
  /** The asker (for "my deals"). */
  me: string;
}

export type ParseOutcome =
  | { kind: "query"; query: BusinessQuery; confidence: number }
  | { kind: "clarify"; question: string; choices: { label: string; query: BusinessQuery }[] }
  | { kind: "none" };

/** Words people type, in English, Spanish, German and Arabic, and their usual misspellings are fixed by edit distance. */
const LEXICON: [RegExp, string][] = [
  [
    /كم صفقة|كم عدد الصفقات|\b(cuántos|cuantos|cuántas|cuantas) (tratos|negocios|deals)\b|\bwie viele (deals|geschäfte|abschlüsse)\b/g,
    " how many deals ",
  ],
  [/\b(cuántos|cuantos|cuántas|cuantas|wie viele)\b/g, " how many "],
  // The bank balance (before "wie viel"/"cuánto" become "how much"): "wie viel Geld haben wir auf dem
  // Konto", "Kontostand", "cuánto efectivo tenemos", "saldo bancario", "الرصيد النقدي".
  [
    /\b(?:wie ?viel|cuánto|cuanto) (?:geld|bargeld|dinero|efectivo) (?:haben wir|tenemos|hay)\b|\bgeld\b.{0,24}\bauf (?:dem|unserem) (?:konto|bankkonto)\b|\b(?:kontostand|bankguthaben|bargeld|kassenbestand|liquide mittel|efectivo|saldo (?:bancario|de caja|en (?:el )?banco|en caja)|dinero en (?:el )?banco)\b|الرصيد النقدي|رصيد البنك|الرصيد في البنك|النقد المتوفر|السيولة المتاحة|كم لدينا من النقد/g,
    " cash balance ",
  ],
  // Measures named in one phrase (before single words are mapped).
  [
    /\b(tasa|ratio|índice|indice|porcentaje) de (cierre|éxito|exito|conversión|conversion|victorias)\b|\b(abschlussquote|gewinnquote|erfolgsquote|abschlussrate|gewinnrate)\b|معدل الفوز|نسبة الفوز|نسبة النجاح/g,
    " win rate ",
  ],
  [
    /\b(tamaño|valor|ticket) (medio|promedio)( de (los |las )?(tratos|negocios|ventas|oportunidades))?\b|\bdurchschnittlich\w* ?(deal|auftrags|geschäfts)?(größe|wert|volumen)\b|\b(dealgröße|auftragsgröße)\b|متوسط (حجم|قيمة) الصفق\S*/g,
    " average deal size ",
  ],
  [
    /\b(periodo|período|plazo) medio de cobro\b|\bdías (de|para|hasta el) cobro\b|\b(forderungslaufzeit|debitorenlaufzeit|zahlungsdauer)\b/g,
    " dso ",
  ],
  [/\bciclo de ventas?\b|\b(verkaufszyklus|vertriebszyklus)\b|دورة المبيعات/g, " sales cycle "],
  [
    /\b(atascad[oa]s?|estancad[oa]s?|parad[oa]s?)\b|\b(hängen|hängt|stecken|steckt) fest\b|\b(festhängend\w*|feststeckend\w*|blockiert\w*)\b|عالق\S*|متوقف\S*/g,
    " stuck ",
  ],
  [/\b(ganamos|ganado|ganados|cerramos)\b|ربحنا|فزنا/g, " won "],
  [/\b(perdimos|perdidos|verloren)\b|خسرنا/g, " lost "],
  [/überfällig\S*|المتأخرة|المتأخر/g, " overdue "],
  [/\b(trimestre pasado|letztes quartal|letzten quartal|vorquartal)\b|الربع الماضي/g, " last quarter "],
  [/\b(este año|dieses jahr|diesem jahr)\b|هذا العام|هذه السنة/g, " this year "],
  [/\b(año pasado|letztes jahr|letzten jahr|vorjahr)\b|العام الماضي|السنة الماضية/g, " last year "],
  [
    /\b(im vergleich (zum|zur|mit)|verglichen mit|comparado con|en comparación con|frente a)\b|مقارنة ب\S*/g,
    " compared to ",
  ],
  [/أكثر/g, " most "],
  // "muéstrame mis tratos", "zeig mir meine Deals", "أرني صفقاتي" (the suggestions Keel itself offers).
  [/\b(muéstrame|muestrame|enséñame|zeig mir|zeige mir|zeig)\b|أرني|اعرض/g, " show "],
  [/صفقاتي/g, " my deals "],
  [/\b(mis|meine|meinen)\b/g, " my "],
  [/\b(abiertos|abiertas|offene|offenen)\b|المفتوحة/g, " open "],
  [/\b(pendientes|impagadas|impagados|ausstehende|ausstehenden|unbezahlte|unbezahlten)\b/g, " unpaid "],
  [/صفقة/g, " deals "],
  [
    /\b(ingresos|ventas|facturación|umsatz|erlös|erlöse|einnahmen)\b|الإيرادات|المبيعات|ايرادات/g,
    " revenue ",
  ],
  [/\b(cobrado|cobros|eingenommen|zahlungseingang)\b/g, " collected "],
  [/\b(debe|deben|adeuda|schuldet|schulden)\b|يدين|مدين/g, " owes "],
  [/\b(vencidas?|atrasadas?|überfällig\w*)\b|متأخرة/g, " overdue "],
  [/\b(facturas?|rechnungen?)\b|فواتير/g, " invoices "],
  [/\b(tratos|negocios|oportunidades|geschäfte|deals)\b|صفقات|الصفقات/g, " deals "],
  [/\b(mes pasado|letzten monat|vormonat)\b|الشهر الماضي/g, " last month "],
  [/\b(este mes|diesen monat|dieser monat)\b|هذا الشهر/g, " this month "],
  [/\b(este trimestre|dieses quartal)\b/g, " this quarter "],
  [/\bam meisten\b|\bmás\b(?! grande)/g, " most "],
  [/\b(mayor|más grande|größte[rns]?|meisten)\b|أكبر/g, " biggest "],
  [/\b(ganados|gewonnen\w*)\b/g, " won "],
  [/\b(cuánto|cuanto|wie viel|wieviel)\b|كم/g, " how much "],
  [/\b(quién|quien|wer)\b|من/g, " who "],
  [/\b(más|am meisten)\b|الأكثر/g, " most "],
];

const VOCAB = [
  "revenue",
  "sales",
  "turnover",
  "income",
  "invoiced",
  "billed",
  "collected",
  "cash",
  "payments",
  "owes",
  "owe",
  "owed",
  "outstanding",
  "receivables",
  "unpaid",
  "overdue",
  "late",
  "invoices",
  "dso",
  "pipeline",
  "deals",
  "deal",
  "won",
  "lost",
  "win",
  "rate",
  "average",
  "size",
  "cycle",
  "biggest",
  "largest",
  "smallest",
  "best",
  "worst",
  "top",
  "month",
  "quarter",
  "year",
  "week",
  "last",
  "this",
  "days",
  "stuck",
  "customer",
  "customers",
  "rep",
  "reps",
  "stage",
  "compared",
  "previous",
  ...MONTH_NAMES,
];

const KEEP = new Set([
  "which",
  "where",
  "there",
  "their",
  "about",
  "month",
  "going",
  "doing",
  "whats",
  "biggest",
  "largest",
  "number",
  "value",
  "worth",
  "total",
  "owner",
  "seller",
  "person",
  "people",
  "count",
  "closed",
  "sales",
]);

/** Four-letter words fixed only towards these (a wider net turns "most" into "lost"). */
const SHORT = ["deal", "owes", "cash", "rate"];

const MONTHS = MONTH_NAMES;
const MONTHS_OTHER: Record<string, number> = {
  enero: 1,
  febrero: 2,
  marzo: 3,
  abril: 4,
  mayo: 5,
  junio: 6,
  julio: 7,
  agosto: 8,
  septiembre: 9,
  octubre: 10,
  noviembre: 11,
  diciembre: 12,
  mai: 5,
  januar: 1,
  februar: 2,
  märz: 3,
  maerz: 3,
  juni: 6,
  juli: 7,
  oktober: 10,
  dezember: 12,
};

const ARABIC_MONTHS: [string, number][] = [
  ["يناير", 1],
  ["فبراير", 2],
  ["مارس", 3],
  ["أبريل", 4],
  ["ابريل", 4],
  ["مايو", 5],
  ["يونيو", 6],
  ["يوليو", 7],
  ["أغسطس", 8],
  ["اغسطس", 8],
  ["سبتمبر", 9],
  ["أكتوبر", 10],
  ["اكتوبر", 10],
  ["نوفمبر", 11],
  ["ديسمبر", 12],
];

/** Arabic-Indic and Persian digits → ASCII ("٣" → "3"). */
const asciiDigits = (s: string) =>
  s
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0));

/** Lower-cases, maps other languages' words to English, and fixes near-miss spellings of known words. */
export function normalise(text: string): string {
  let t = ` ${asciiDigits(text)
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/[?!.,;:¿¡"]/g, " ")} `;
  for (const [re, to] of LEXICON) t = t.replace(re, to);
  return t
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => {
      // Short words are too easy to "correct" into another word (most → lost, many → may).
      if (VOCAB.includes(w) || KEEP.has(w) || /\d/.test(w)) return w;
      // Four-letter words: one edit, or two letters swapped ("dael").
      const swapped = (v: string) => [...w].sort().join("") === [...v].sort().join("");
      if (w.length === 4) return SHORT.find((v) => editDistance(w, v) === 1 || swapped(v)) ?? w;
      if (w.length < 5) return w;
      let best: { w: string; d: number } | undefined;
      for (const v of VOCAB) {
        const d = editDistance(w, v);
        if (d <= (w.length >= 7 ? 2 : 1) && (!best || d < best.d)) best = { w: v, d };
      }
      return best?.w ?? w;
    })
    .join(" ");
}

export function parseWindow(t: string): QueryWindow | undefined {
  const n = t.match(/\b(?:last|past|previous)\s+(\d{1,3})\s+(day|week|month)s?\b/);
  if (n) {
    const k = Number(n[1]);
    return { kind: "last_days", days: Math.min(1100, n[2] === "day" ? k : n[2] === "week" ? k * 7 : k * 30) };
  }
  const rel = t.match(/\b(this|last|previous|current)\s+(week|month|quarter|year|fiscal year|fy)\b/);
  if (rel) {
    const unit =
      rel[2] === "fy" || rel[2] === "fiscal year"
        ? "fiscal_year"
        : (rel[2] as "week" | "month" | "quarter" | "year");
    return { kind: "relative", unit, offset: rel[1] === "last" || rel[1] === "previous" ? -1 : 0 };
  }
  if (/\b(ytd|year to date)\b/.test(t)) return { kind: "relative", unit: "year", offset: 0 };
  if (/\b(mtd|month to date)\b/.test(t)) return { kind: "relative", unit: "month", offset: 0 };
  if (/\b(qtd|quarter to date)\b/.test(t)) return { kind: "relative", unit: "quarter", offset: 0 };
  const q = t.match(/\bq([1-4])(?:\s+(20\d\d))?\b/);
  if (q) return { kind: "quarter", quarter: Number(q[1]), ...(q[2] ? { year: Number(q[2]) } : {}) };
  for (const [i, m] of MONTHS.entries()) {
    const re = new RegExp(`\\b${m}(?:\\s+(20\\d\\d))?\\b`);
    const hit = t.match(re);
    if (hit && !(m === "may" && /\bmay (i|we|you)\b/.test(t)))
      return { kind: "month", month: i + 1, ...(hit[1] ? { year: Number(hit[1]) } : {}) };
  }
  for (const [w, m] of Object.entries(MONTHS_OTHER))
    if (new RegExp(`\\b${w}\\b`).test(t)) return { kind: "month", month: m };
  for (const [w, m] of ARABIC_MONTHS) if (t.includes(w)) return { kind: "month", month: m };
  const y = t.match(/\bin (20\d\d)\b/);
  if (y) return { kind: "year", year: Number(y[1]) };
  return undefined;
}

function measureOf(
  t: string,
  v: Vocabulary,
): { measure: Measure; metric?: string; extra?: Partial<BusinessQuery> } | undefined {
  if (
    /\b(dso|days sales outstanding|days to (get )?paid|days to pay|days (until|before) (we get )?paid)\b|\bhow long\b.*\b(take|takes|taking) to pay\b/.test(
      t,
    )
  )
    return { measure: "dso" };
  if (/\b(win|close|closing|conversion) rate\b/.test(t)) return { measure: "win_rate" };
  if (/\b(sales cycle|cycle time|how long .*(close|win))\b/.test(t)) return { measure: "cycle_time" };
  if (/\b(average|avg|typical|mean) (deal|order)? ?(size|value)\b|\baverage deal\b/.test(t))
    return { measure: "avg_deal_size" };
  if (
    /\b(best|top|strongest) (sales ?)?(rep|seller|salesperson|person)\b|\bwho (sold|closed|won) (the )?most\b/.test(
      t,
    )
  )
    return { measure: "won_value", extra: { groupBy: "owner", rank: { order: "top", limit: 1 } } };
  if (
    /\b(who|which customers?|which clients?)\b.*\b(owes?|owed)\b.*\bmost\b|\bbiggest (debtor|debt)\b/.test(t)
  )
    return {
      measure: /\boverdue\b/.test(t) ? "overdue_balance" : "outstanding_balance",
      extra: { groupBy: "customer", rank: { order: "top", limit: 1 } },
    };
  if (/\b(which|what) (customer|client)s?\b.*\bmost\b.*\boverdue\b|\bmost overdue\b/.test(t))
    return { measure: "overdue_balance", extra: { groupBy: "customer", rank: { order: "top", limit: 1 } } };
  if (
    /\boverdue\b|\blate (invoices|payments)\b|\bpast due\b|\b(is|are|invoices?|payments?|amount) late\b/.test(
      t,
    ) &&
    !/\bdeals?\b/.test(t)
  )
    return { measure: "overdue_balance" };
  if (/\b(owes?|owed|outstanding|receivables?|unpaid)\b|\bopen invoices?\b/.test(t))
    return { measure: "outstanding_balance" };
  if (
    /\b(collected|payments? received|cash in|got paid|cash collected|(cash|money) (came|come|coming) in)\b/.test(
      t,
    )
  )
    return { measure: "collected_cash" };
  if (/\b(invoiced|billed|invoices (issued|sent))\b/.test(t)) return { measure: "invoiced" };
  if (
    /\b(biggest|largest|smallest|top \d+|top) (open |won |lost )?deals?\b|\bdeals?\b.*\b(biggest|largest)\b/.test(
      t,
    )
  )
    return { measure: "deals" };
  if (/\bhow many\b.*\bdeals?\b|\bnumber of deals\b|\bdeal count\b|^\s*deals? (won|lost|closed)\b/.test(t))
    return { measure: "deal_count" };
  if (/\b(stuck|stalled)\b.*\bdeals?\b|\bdeals?\b.*\bstuck\b/.test(t))
    return { measure: "deals", extra: { filters: { stuck: true } } };
  if (
    /\b(won|closed won)\b.*\b(value|worth|total|much)\b|\bhow much\b.*\b(won|win|close|closed|signed|sold)\b|\b(value|worth|total) of (the )?deals? won\b/.test(
      t,
    )
  )
    return { measure: "won_value" };
  if (/\b(pipeline|pipe)\b/.test(t) && /\b(value|worth|total|how much|big|open|for)\b/.test(t))
    return { measure: "pipeline_value" };
  // The bank balance in people's words: the tenant's cash-balance series. Not one the role may see (or
  // none yet): the conventional key, so the executor refuses it or says there is no such series, rather
  // than a summary of other figures. Questions about the future are the cash forecast's, not this.
  if (BANK_BALANCE.test(t) && !FUTURE.test(t)) {
    const cash = v.metrics.find(
      (m) => isCashBalanceMetric(m.key.replace(/_/g, " ")) || isCashBalanceMetric(m.name),
    );
    return { measure: "metric", metric: cash?.key ?? "cash_balance" };
  }
  // Metric series by key, name or common word (after money words so "cash collected" stays payments).
  const metric = v.metrics.find(
    (m) => t.includes(m.key.replace(/_/g, " ")) || t.includes(m.name.toLowerCase()),
  );
  if (metric)
    return metric.key === "revenue" ? { measure: "revenue" } : { measure: "metric", metric: metric.key };
  if (
    /\b(revenue|sales|turnover|income|top line)\b/.test(t) &&
    !/\bsales ?(rep|person|people|team)\b/.test(t)
  )
    return { measure: "revenue" };
  if (/\b(show|list|see|what are)\b.*\bdeals?\b|^\s*(my )?deals\s*$|\bpipeline\b/.test(t))
    return { measure: "deals" };
  if (/\bdeals?\b/.test(t) && CLOSING.test(t)) return { measure: "deals" };
  // "lost deals this quarter", "which deals did we lose": the deals themselves (status set below).
  if (/\b(lost|lose)\b.*\bdeals?\b|\bdeals?\b.*\b(lost|lose)\b/.test(t)) return { measure: "deals" };
  // "top customers", "our biggest clients": won value by customer.
  if (/\b(top|biggest|largest|best|main)\s+(\d{1,2}\s+)?(customers?|clients?)\b/.test(t))
    return {
      measure: "won_value",
      extra: { groupBy: "customer", rank: { order: "top", limit: 5 } },
    };
  if (/\b(which|what)\b/.test(t) && CLOSING.test(t)) return { measure: "deals" };
  return undefined;
}

const CLOSING =
  /\b(closing|expected to close|due to close|set to close|should close|will close|going to close|to close (this|next)|closes)\b/;
const BANK_BALANCE =
  /\bhow much (?:cash|money) (?:do|did|have|has) (?:we|i|the company|the business) (?:got|have)\b|\bhow much cash\b|\bcash (?:on hand|balance|position|in (?:the |our )?bank)\b|\bmoney in (?:the |our )?bank\b|\bwhat(?: i|')?s in (?:the |our )?(?:bank|account)\b|\bbank (?:balance|account balance)\b|\bbalance (?:in|on) (?:the |our )?(?:bank|account)\b/;
const FUTURE =
  /\b(?:will|going to|gonna|next|forecast|projected|projection|runway|run out|by (?:the )?end|in \d+ (?:days?|weeks?|months?))\b/;

/** Customer/deal names mentioned in the text: exact substring first, then one-typo words. */
export function findCustomers(raw: string, names: readonly string[]): string[] {
  const t = ` ${raw.toLowerCase().replace(/[?!.,;:'"]/g, " ")} `;
  const full = names.filter((n) => t.includes(` ${n.toLowerCase()} `));
  if (full.length) return full;
  const exact = names.filter((n) => {
    const first = n.toLowerCase().split(/\s+/)[0]!;
    return first.length >= 4 && t.includes(` ${first} `);
  });
  if (exact.length) return exact;
  const words = t.split(/\s+/).filter((w) => w.length >= 5);
  return names.filter((n) => {
    const first = n.toLowerCase().split(/\s+/)[0]!;
    return first.length >= 5 && words.some((w) => editDistance(w, first) === 1);
  });
}

/**
 * The offline way in: rules and a grammar over normalised words, entities resolved against the
 * tenant's own names. Returns a typed query, a clarifying question, or "none" (not a data question).
 */
export function parseQuestion(text: string, v: Vocabulary): ParseOutcome {
  const t = ` ${normalise(text)} `;
  const m = measureOf(t, v);
  if (!m) return { kind: "none" };
  const filters: BusinessQuery["filters"] = { ...(m.extra?.filters ?? {}) };
  const q: BusinessQuery = { measure: m.measure, filters, ...(m.metric ? { metric: m.metric } : {}) };
  if (m.extra?.groupBy) q.groupBy = m.extra.groupBy;
  if (m.extra?.rank) q.rank = m.extra.rank;
  const window = parseWindow(t);
  if (window) q.window = window;
  if (
    (/\b(my|mine)\b/.test(t) ||
      /\b(i|have i|did i)\s+(closed|close|won|win|signed|sign|sold|sell)\b/.test(t)) &&
    !q.groupBy &&
    [
      "deals",
      "deal_count",
      "pipeline_value",
      "won_value",
      "win_rate",
      "avg_deal_size",
      "cycle_time",
    ].includes(q.measure)
  )
    filters.ownerId = v.me;
  // "deals closing this month", "what will close this quarter": open deals by expected close date.
  const closing =
    CLOSING.test(t) && ["deals", "deal_count", "pipeline_value", "won_value"].includes(q.measure);
  if (closing) {
    if (q.measure === "won_value") q.measure = "pipeline_value";
    filters.closing = true;
    if (!q.window) q.window = { kind: "relative", unit: "month", offset: 0 };
  } else if (
    /\b(won|win|closed|close|sign|signed)\b/.test(t) &&
    (q.measure === "deal_count" || q.measure === "deals")
  )
    filters.status = "won";
  if (/\b(lost|lose)\b/.test(t) && (q.measure === "deal_count" || q.measure === "deals"))
    filters.status = "lost";
  if (/\b(by|per|each) (rep|owner|salesperson|person)\b/.test(t)) q.groupBy = "owner";
  if (/\b(by|per|each) stage\b/.test(t)) q.groupBy = "stage";
  if (/\b(by|per|each) (customer|client)\b/.test(t)) q.groupBy = "customer";
  if (/\b(by|per|each) month\b|\bmonthly\b|\bmonth by month\b/.test(t)) q.groupBy = "month";
  // "top 5 deals", "biggest deal", "the 3 biggest deals".
  const pre = t.match(/\b(\d{1,2})\s+(top|bottom|biggest|largest|smallest)\b/);
  const post = pre ? null : t.match(/\b(top|bottom|biggest|largest|smallest)\s*(\d{1,2})?\b/);
  if ((pre || post) && !q.rank) {
    const word = pre ? pre[2]! : post![1]!;
    const n = pre ? pre[1] : post![2];
    q.rank = {
      order: word === "bottom" || word === "smallest" ? "bottom" : "top",
      limit: Math.min(20, Number(n ?? (q.measure === "deals" ? 1 : 5))),
    };
  }
  if (
    /\b(vs|versus|against|compared to|on track for|to) (the |our |my )?(target|goal)s?\b|\bon track\b/.test(t)
  )
    q.compare = "target";
  else if (/\b(compared|vs|versus|than last|change|growth|grew|grow)\b/.test(t))
    q.compare = "previous_period";
  for (const s of v.stages) if (s.length > 3 && t.includes(` ${s.toLowerCase()} `)) filters.stage = s;
  const rep = v.reps.find((r) => {
    const first = r.name.toLowerCase().split(/\s+/)[0]!;
    return first.length >= 3 && new RegExp(`\\b${first}('s)?\\b`).test(t);
  });
  if (rep && !q.groupBy) filters.ownerId = rep.id;
  const customers = findCustomers(text, v.customers);
  if (customers.length > 1 && customers.length <= 5)
    return {
      kind: "clarify",
      question: `Which one do you mean?`,
      choices: customers.map((c) => ({ label: c, query: { ...q, filters: { ...filters, customer: c } } })),
    };
  if (customers.length === 1) filters.customer = customers[0]!;
  return { kind: "query", query: q, confidence: 0.8 };
}

/** "what's going on with Fjord Seafood?": a customer named with no measure → their overview. */
export function parseOverview(text: string, v: Vocabulary): ParseOutcome {
  const customers = findCustomers(text, v.customers);
  if (customers.length === 0) return { kind: "none" };
  if (customers.length > 1)
    return {
      kind: "clarify",
      question: "Which customer do you mean?",
      choices: customers
        .slice(0, 5)
        .map((c) => ({ label: c, query: { measure: "overview", filters: { customer: c } } })),
    };
  return {
    kind: "query",
    query: { measure: "overview", filters: { customer: customers[0]! } },
    confidence: 0.7,
  };
}

/** Words that open a follow-up: "and last month?", "what about Q3", "y el mes pasado?", "und im Oktober?". */
const FOLLOW_CUE = /^\s*(and|what about|how about|same for|same but|now|then|y|e|und|و)\b/;

/**
 * A follow-up to the previous query: the same question with what the message changes (a window, a
 * customer, a rep, a stage, a grouping). Null when the message changes nothing the parser can read.
 */
export function followUpQuery(text: string, last: BusinessQuery, v: Vocabulary): BusinessQuery | null {
  const t = ` ${normalise(text)} `;
  const words = t.trim().split(/\s+/).length;
  if (!FOLLOW_CUE.test(t) && !/^\s*و/.test(text.trim()) && words > 4) return null;
  const q: BusinessQuery = structuredClone(last);
  q.filters = { ...(q.filters ?? {}) };
  let changed = false;
  const w = parseWindow(t);
  if (w) {
    q.window = w;
    changed = true;
  }
  const customers = findCustomers(text, v.customers);
  if (customers.length === 1) {
    q.filters.customer = customers[0]!;
    changed = true;
  }
  const rep = v.reps.find((r) => {
    const first = r.name.toLowerCase().split(/\s+/)[0]!;
    return first.length >= 3 && new RegExp(`\\b${first}('s)?\\b`).test(t);
  });
  if (rep) {
    q.filters.ownerId = rep.id;
    changed = true;
  }
  for (const s of v.stages)
    if (s.length > 3 && t.includes(` ${s.toLowerCase()} `)) {
      q.filters.stage = s;
      changed = true;
    }
  if (/\b(by|per|each) (rep|owner|salesperson|person)\b/.test(t)) {
    q.groupBy = "owner";
    changed = true;
  }
  if (/\b(by|per|each) (customer|client)\b/.test(t)) {
    q.groupBy = "customer";
    changed = true;
  }
  if (/\b(compared|vs|versus|previous period|change)\b/.test(t)) {
    q.compare = "previous_period";
    changed = true;
  }
  return changed ? q : null;
}
