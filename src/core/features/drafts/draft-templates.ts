import { formatMoney } from "../../kernel/format.js";

/** Languages drafts can be written in. */
export type DraftLanguage = "en" | "ar";

export const LANGUAGE_NAMES: Record<DraftLanguage, string> = { en: "English", ar: "Arabic" };

const str = (v: unknown, d = ""): string => (typeof v === "string" && v ? v : d);

/**
 * The templated fallback in the requested language. English uses the core templates (passed in as
 * `english`); Arabic has its own. Figures come from the subject row, formatted by code.
 */
export function localizedTemplate(
  kind: "deal" | "invoice",
  subject: Record<string, unknown>,
  language: DraftLanguage,
  english: { subject: string; body: string },
): { subject: string; body: string } {
  if (language === "en") return english;
  if (kind === "deal") {
    const name = str(subject.name);
    const who = str(subject.company, name);
    return {
      subject: `متابعة: ${name}`,
      body: [
        `مرحباً فريق ${who}،`,
        "",
        `أردنا متابعة ${name}. هل هناك ما تحتاجونه منا للمضي قدماً، أو وقت مناسب للحديث هذا الأسبوع؟`,
        "",
        "مع أطيب التحيات،",
        str(subject.ownerName, "الفريق"),
      ].join("\n"),
    };
  }
  const amount = formatMoney(Number(subject.outstandingMinor ?? 0), str(subject.currency, "USD"));
  return {
    subject: `تذكير بالدفع: الفاتورة ${str(subject.number)}`,
    body: [
      `مرحباً ${str(subject.customer)}،`,
      "",
      `نود تذكيركم بلطف بأن الفاتورة ${str(subject.number)} بمبلغ ${amount} كانت مستحقة بتاريخ ${str(subject.dueOn)} (منذ ${String(subject.daysOverdue ?? "")} يوماً).`,
      "إذا كانت قد سُددت بالفعل فيرجى تجاهل هذه الرسالة، وإلا فنكون شاكرين لسدادها في أقرب وقت ممكن.",
      "",
      "مع التحية،",
      "قسم الحسابات",
    ].join("\n"),
  };
}

/** "ar", "arabic", "عربي" → "ar"; anything else English. */
export function parseLanguage(v: string | undefined): DraftLanguage {
  return v && /^(ar|arabic|عربي|العربية|بالعربي)$/i.test(v.trim()) ? "ar" : "en";
}
