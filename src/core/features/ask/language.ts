/** The languages answers and refusals are written in; detection is by script and common words. */
export type Lang = "en" | "es" | "de" | "ar";

export function detectLanguage(text: string): Lang {
  if (/[\u0600-\u06FF]/.test(text)) return "ar";
  const t = ` ${text.toLowerCase()} `;
  const es =
    (
      t.match(
        /\b(qué|que|cuánto|cuanto|cuál|cual|nos|mes|pasado|ventas|ingresos|facturas|quién|quien|debe|los|las|del|tratos|este|tasa|cierre|tamaño|medio|promedio|atascad[oa]s|estancad[oa]s|tenemos|hay|mis|muéstrame|muestrame|negocios|cuáles|cuales|ciclo|nuestro|nuestra|nuestros)\b|¿/g,
      ) ?? []
    ).length + (/[ñ¡]|[áéíóú]\w/.test(t) ? 1 : 0);
  const de =
    (
      t.match(
        /\b(wie|viel|was|wer|uns|der|die|das|letzten|monat|umsatz|rechnungen|schuldet|dieses|diesen|ist|hat|größte|welche|welcher|hängen|fest|haben|wir|offene|zeig|mir|meine|durchschnittlich\w*|quote|geschäfte|aufträge)\b/g,
      ) ?? []
    ).length + (/[äöüß]/.test(t) ? 1 : 0);
  if (es >= 2 && es >= de) return "es";
  if (de >= 2) return "de";
  return "en";
}

/** The language's own name, for telling a model which language to write in. */
export const LANG_NAMES: Record<Lang, string> = { en: "English", es: "Spanish", de: "German", ar: "Arabic" };

export const LANGS: readonly Lang[] = ["en", "es", "de", "ar"];

/** A word list as a regex that respects accented letters ("qué", "größte"), unlike `\b`. */
const words = (list: string) => new RegExp(`(?<!\\p{L})(?:${list})(?!\\p{L})`, "gu");
/** Everyday words per language (short replies included), for reading which language a text is in. */
const WORDS: Record<Exclude<Lang, "ar">, RegExp> = {
  en: words(
    "the|is|was|were|are|and|of|in|on|for|your|you|with|to|this|that|last|month|deals?|revenue|owes?|most|biggest|total|from|who|what|how|have|has|it|my|our|please|them|one|more|about|remind|show|approve",
  ),
  es: words(
    "el|la|los|las|de|del|que|qué|en|y|por|para|con|fue|fueron|es|son|tu|tus|su|sus|este|esta|mes|pasado|ventas|ingresos|facturas|tratos?|quién|quien|cuánto|cuanto|cuál|cual|nos|debe|mayor|más|muéstrame|recuérdales?|recuérdalo|apruébalo|envíalo|segundo|primero|tercero|otra|vez|hola|gracias|sí|¿|¡",
  ),
  de: words(
    "der|die|das|den|dem|des|und|ist|war|sind|im|von|für|mit|wie|viel|was|wer|uns|letzten|monat|umsatz|rechnungen|schuldet|dieses|diesen|hat|größte|ein|eine|zeig|mir|meine|bitte|erinnere|genehmige|schick|zweite|erste|dritte|mehr|dazu|danke|ja|nein|offene|überfällig",
  ),
};

/**
 * Each language's everyday words in a text, weighted by length (so "genehmige" outweighs a stray
 * "es"); Arabic counts when at least 30 % of the letters are Arabic.
 */
function scores(text: string): { weight: Record<Lang, number>; hits: Record<Lang, number> } {
  const t = ` ${text.toLowerCase()} `;
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const arabic = (text.match(/[\u0600-\u06FF]/g) ?? []).length;
  const ar = letters && arabic / letters >= 0.3 ? 99 : 0;
  const of = (l: Exclude<Lang, "ar">) => t.match(WORDS[l]) ?? [];
  const m = { en: of("en"), es: of("es"), de: of("de") };
  const sum = (xs: string[]) => xs.reduce((n, w) => n + w.length, 0);
  return {
    weight: { en: sum(m.en), es: sum(m.es), de: sum(m.de), ar },
    hits: { en: m.en.length, es: m.es.length, de: m.de.length, ar: ar ? 1 : 0 },
  };
}

/**
 * The language a short message or reply is written in, or `fallback` when it has no words to tell
 * by ("2", "ok", a name). Unlike `detectLanguage`, one clear word is enough ("recuérdales").
 */
export function guessLanguage(text: string, fallback: Lang): Lang {
  const s = scores(text).weight;
  const best = LANGS.reduce((a, b) => (s[b] > s[a] ? b : a), "en" as Lang);
  if (s[best] === 0) return fallback;
  // A tie between languages: keep the fallback if it is one of them.
  const tied = LANGS.filter((l) => s[l] === s[best]);
  return tied.length > 1 && tied.includes(fallback) ? fallback : best;
}

/**
 * Whether a reply is written in `want`: false only when another language clearly dominates (names
 * and figures do not count), so a short reply full of names is not refused for having no words.
 */
export function writtenIn(text: string, want: Lang): boolean {
  const { weight, hits } = scores(text.replace(/https?:\/\/\S+/g, ""));
  if (want === "ar") return weight.ar > 0;
  if (weight.ar > 0) return false;
  const rivals = LANGS.filter((l) => l !== want && l !== "ar");
  return rivals.every((l) => weight[l] <= weight[want] || hits[l] < 2);
}

/** How the asker writes, for a model to match: casual (lower case, no greeting, slang) or neutral. */
export function toneOf(text: string): "casual" | "formal" | "neutral" {
  if (/\b(usted|ustedes|Sie|Ihnen|Ihr(e|en)?)\b|حضرتك/.test(text)) return "formal";
  if (/\b(could you (please )?|would you (kindly )?|dear|kindly)\b/i.test(text)) return "formal";
  const lowerOnly = /\p{Ll}/u.test(text) && !/\p{Lu}/u.test(text);
  if (lowerOnly || /\b(whats|gonna|wanna|lol|pls|plz|thx|hey|yo|tío|oye|hallo|na)\b/i.test(text))
    return "casual";
  return "neutral";
}

const PHRASES = {
  notUnderstood: {
    en: "I didn't understand that. You could ask, for example:",
    es: "No lo he entendido. Puedes preguntar, por ejemplo:",
    de: "Das habe ich nicht verstanden. Du kannst zum Beispiel fragen:",
    ar: "لم أفهم ذلك. يمكنك أن تسأل مثلاً:",
  },
  forbidden: {
    en: "Your role ({role}) cannot see {what}.",
    es: "Tu rol ({role}) no puede ver {what}.",
    de: "Deine Rolle ({role}) darf {what} nicht sehen.",
    ar: "دورك ({role}) لا يسمح برؤية {what}.",
  },
  which: {
    en: "Which one do you mean? Reply with a number:",
    es: "¿Cuál quieres decir? Responde con un número:",
    de: "Welche meinst du? Antworte mit einer Zahl:",
    ar: "أيهما تقصد؟ أجب برقم:",
  },
  noData: {
    en: "I have no data for that yet.",
    es: "Todavía no tengo datos para eso.",
    de: "Dafür habe ich noch keine Daten.",
    ar: "لا توجد بيانات لذلك بعد.",
  },
  /** A list that is empty because nothing matches (no stuck deals), not because data is missing. */
  noneMatch: {
    en: "none right now.",
    es: "ninguno por ahora.",
    de: "derzeit keine.",
    ar: "لا يوجد حالياً.",
  },
  /** An average or rate over nothing (no won deals in the period): no figure, and why. */
  noFigure: {
    en: "no figure yet — nothing in this period to compute it from.",
    es: "todavía sin cifra — no hay nada en este periodo para calcularla.",
    de: "noch kein Wert — in diesem Zeitraum gibt es nichts, woraus er sich berechnen ließe.",
    ar: "لا يوجد رقم بعد — لا شيء في هذه الفترة لحسابه.",
  },
  vs: { en: "vs", es: "frente a", de: "gegenüber", ar: "مقابل" },
  noTarget: {
    en: "No active goal on this yet — set one with `goal …`.",
    es: "Todavía no hay un objetivo activo para esto — crea uno con `goal …`.",
    de: "Dafür gibt es noch kein aktives Ziel — setze eins mit `goal …`.",
    ar: "لا يوجد هدف نشط لهذا بعد — حدد واحداً باستخدام `goal …`.",
  },
  goal: { en: "Goal", es: "Objetivo", de: "Ziel", ar: "الهدف" },
  expectedToday: {
    en: "on pace today:",
    es: "según el ritmo hoy:",
    de: "im Plan heute:",
    ar: "المتوقع اليوم:",
  },
  noList: {
    en: "There is no list to choose from right now (choices expire after 30 minutes). Ask again and answer with its number.",
    es: "Ahora mismo no hay ninguna lista para elegir (las opciones caducan a los 30 minutos). Vuelve a preguntar y responde con su número.",
    de: "Gerade gibt es keine Liste zur Auswahl (Auswahlen verfallen nach 30 Minuten). Frag noch einmal und antworte mit der Nummer.",
    ar: "لا توجد قائمة للاختيار منها الآن (تنتهي صلاحية الخيارات بعد 30 دقيقة). اسأل مرة أخرى وأجب برقم الخيار.",
  },
  pickNumber: {
    en: "Please pick a number from 1 to {n}.",
    es: "Elige un número del 1 al {n}.",
    de: "Bitte wähle eine Zahl von 1 bis {n}.",
    ar: "اختر رقماً من 1 إلى {n}.",
  },
  whichDraft: {
    en: "Which draft? I have not shown you one in this conversation — `drafts` lists those waiting.",
    es: "¿Qué borrador? No te he mostrado ninguno en esta conversación — `drafts` muestra los pendientes.",
    de: "Welcher Entwurf? Ich habe dir in diesem Gespräch keinen gezeigt — `drafts` listet die wartenden.",
    ar: "أي مسودة؟ لم أعرض عليك أي مسودة في هذه المحادثة — الأمر `drafts` يعرض المسودات المنتظرة.",
  },
  whoRemind: {
    en: 'Who should I remind? I do not know who "them" is in this conversation yet — say `remind NAME`.',
    es: "¿A quién debo recordárselo? Todavía no sé a quién te refieres en esta conversación — escribe `remind NOMBRE`.",
    de: "Wen soll ich erinnern? Ich weiß in diesem Gespräch noch nicht, wen du meinst — schreib `remind NAME`.",
    ar: "من يجب أن أذكّر؟ لا أعرف بعد من تقصد في هذه المحادثة — اكتب `remind الاسم`.",
  },
  noListShown: {
    en: "I have not shown you a list to pick from in this conversation.",
    es: "No te he mostrado ninguna lista para elegir en esta conversación.",
    de: "Ich habe dir in diesem Gespräch keine Liste zur Auswahl gezeigt.",
    ar: "لم أعرض عليك قائمة للاختيار منها في هذه المحادثة.",
  },
  source: {
    en: "Source: ask `sources?` for the definition.",
    es: "Fuente: pregunta `sources?` para ver la definición.",
    de: "Quelle: frag `sources?` nach der Definition.",
    ar: "المصدر: اسأل `sources?` لمعرفة التعريف.",
  },
} as const;

export type PhraseKey = keyof typeof PHRASES;

export function phrase(key: PhraseKey, lang: Lang, vars: Record<string, string> = {}): string {
  return PHRASES[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");
}

/** What the role may not see, named in the user's language. */
export const WHAT: Record<string, Record<Lang, string>> = {
  invoices: {
    en: "invoices or amounts owed",
    es: "facturas ni importes adeudados",
    de: "Rechnungen oder offene Beträge",
    ar: "الفواتير أو المبالغ المستحقة",
  },
  cash: { en: "cash figures", es: "cifras de caja", de: "Kassenzahlen", ar: "أرقام النقد" },
  deals: { en: "deals", es: "tratos", de: "Deals", ar: "الصفقات" },
  metrics: { en: "metrics", es: "métricas", de: "Kennzahlen", ar: "المقاييس" },
};

/** Suggestions for a message Keel could not read: three questions it can answer. */
export const SUGGESTIONS: Record<Lang, string[]> = {
  en: ["who owes us the most?", "what was revenue last month?", "show me my deals"],
  es: ["¿quién nos debe más?", "¿cuáles fueron los ingresos del mes pasado?", "muéstrame mis tratos"],
  de: ["wer schuldet uns am meisten?", "wie war der Umsatz letzten Monat?", "zeig mir meine Deals"],
  ar: ["من يدين لنا بأكثر مبلغ؟", "ما هي الإيرادات الشهر الماضي؟", "أرني صفقاتي"],
};

/** Measure names in the answer's language (English comes from the definitions). */
export const MEASURE_LABELS: Record<string, Partial<Record<Lang, string>>> = {
  revenue: { es: "Ingresos", de: "Umsatz", ar: "الإيرادات" },
  invoiced: { es: "Facturado", de: "Fakturiert", ar: "المفوتر" },
  collected_cash: { es: "Cobrado", de: "Zahlungseingang", ar: "النقد المحصل" },
  outstanding_balance: { es: "Pendiente de cobro", de: "Offene Forderungen", ar: "المستحق لك" },
  overdue_balance: { es: "Vencido", de: "Überfällig", ar: "المتأخر" },
  dso: { es: "DSO (días de cobro)", de: "DSO (Forderungslaufzeit)", ar: "متوسط أيام التحصيل" },
  pipeline_value: { es: "Cartera abierta", de: "Offene Pipeline", ar: "الصفقات المفتوحة" },
  deal_count: { es: "Tratos", de: "Deals", ar: "الصفقات" },
  won_value: { es: "Ganado", de: "Gewonnen", ar: "المربوح" },
  win_rate: { es: "Tasa de éxito", de: "Abschlussquote", ar: "معدل الفوز" },
  avg_deal_size: { es: "Tamaño medio de trato", de: "Durchschnittliche Dealgröße", ar: "متوسط حجم الصفقة" },
  cycle_time: { es: "Ciclo de venta", de: "Verkaufszyklus", ar: "دورة البيع" },
  deals: { es: "Tratos", de: "Deals", ar: "الصفقات" },
  overview: { es: "Resumen", de: "Überblick", ar: "نظرة عامة" },
};

/** The locale dates of an answer are written in: the tenant's, in the user's language when it differs. */
export const LANG_LOCALE: Record<Lang, string> = { en: "en", es: "es", de: "de", ar: "ar" };

export const TO_DATE: Record<Lang, string> = {
  en: " (to date)",
  es: " (hasta hoy)",
  de: " (bis heute)",
  ar: " (حتى اليوم)",
};
