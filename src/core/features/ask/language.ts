/** The languages answers and refusals are written in; detection is by script and common words. */
export type Lang = "en" | "es" | "de" | "ar";

export function detectLanguage(text: string): Lang {
  if (/[\u0600-\u06FF]/.test(text)) return "ar";
  const t = ` ${text.toLowerCase()} `;
  const es = (
    t.match(
      /\b(qué|que|cuánto|cuanto|cuál|cual|nos|mes|pasado|ventas|ingresos|facturas|quién|quien|debe|los|las|del|tratos|este)\b|¿/g,
    ) ?? []
  ).length;
  const de = (
    t.match(
      /\b(wie|viel|was|wer|uns|der|die|das|letzten|monat|umsatz|rechnungen|schuldet|dieses|diesen|ist|hat|größte)\b/g,
    ) ?? []
  ).length;
  if (es >= 2 && es >= de) return "es";
  if (de >= 2) return "de";
  return "en";
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
  source: {
    en: "Source: ask `sources?` for the definition.",
    es: "Fuente: pregunta `sources?` para ver la definición.",
    de: "Quelle: frag `sources?` nach der Definition.",
    ar: "المصدر: اسأل `sources?` لمعرفة التعريف.",
  },
} as const;

export function phrase(key: keyof typeof PHRASES, lang: Lang, vars: Record<string, string> = {}): string {
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
