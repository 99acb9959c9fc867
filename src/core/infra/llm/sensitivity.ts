/**
 * Data that must not leave the operator's machines: payroll, pay and commission of people; personal
 * contact data of individuals (home address, private phone/e-mail, date of birth, emergency
 * contacts); bank and card numbers; government ids; health; HR matters (disciplinary, grievances,
 * performance reviews). A match pins the request to the local model (Ollama) or the offline
 * provider — before complexity is looked at, so no phrasing or length can outvote it.
 *
 * The check reads the question AND everything the model would see (rendered prompt, deal notes,
 * history), in English, Spanish, German and Arabic. Terms are matched on a normalised text
 * (NFKC, lower case, accents stripped) with word boundaries that accept plurals/inflections, and
 * numbers are checked by their structure (IBAN mod-97, Luhn for cards, SSN shape). Customer names
 * and business contact details of customers are normal business data and do not count; false
 * positives only cost answer quality, never privacy.
 */
export interface SensitivityResult {
  sensitive: boolean;
  /** The categories that matched, e.g. ["payroll", "bank"]. Never the matched text itself. */
  categories: string[];
}

export type SensitiveCategory = "payroll" | "personal" | "bank" | "card" | "government_id" | "health" | "hr";

/** Lower case, compatibility forms folded (full-width letters, ligatures), accents stripped; Arabic kept. */
export function normalise(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, " ");
}

/** Words that name people who work for the business (their data is personal, customers' is not). */
const STAFF =
  "(?:employees?|staff|team|workers?|colleagues?|reps?|sales ?reps?|salespeople|drivers?|new hires?|new starters?|starters?|contractors?|everyone|every ?one|each (?:rep|employee|person)|people|personnel|manager|empleados?|trabajador(?:es)?|personal|plantilla|comerciales?|vendedor(?:es)?|repartidor(?:es)?|mitarbeiter(?:innen|in|n)?|angestellten?|fahrer(?:in|innen)?|belegschaft)";

/** Latin-script rules: a category and a pattern over the normalised text. `\b` is safe after normalise(). */
const LATIN: [SensitiveCategory, RegExp][] = [
  // payroll, pay, commission (en)
  [
    "payroll",
    /\b(payroll|salar(?:y|ies|ied)|wages?|wage bill|pay ?slips?|pay ?stubs?|pay ?checks?|compensation|remuneration|bonus(?:es)?|commissions?(?! (?:revenue|income|model|structure for partners))|overtime pay|holiday pay|vacation pay|sick pay|severance(?: pay)?|redundancy pay|pay (?:rise|raise|band|grade|scale)s?|raise for|hourly rate of|pension contributions?|payroll deposits?)\b/,
  ],
  ["payroll", /\bhow much (?:do|does|did|will) (?:we|you|i|they|the company) pay\b/],
  [
    "payroll",
    /\bhow much (?:does|did|will) (?!we\b|us\b|the company\b|our\b|the business\b)[a-z'-]+(?: [a-z'-]+)? (?:earn|make|get paid)\b/,
  ],
  ["payroll", /\bwhat (?:does|did) (?!we\b|the company\b|our\b)[a-z'-]+(?: [a-z'-]+)? (?:earn|get paid)\b/],
  ["payroll", /\b(?:earns?|earned|earning) (?:per|an?|each) (?:hour|month|year)\b/],
  // payroll (es, de)
  [
    "payroll",
    /\b(nominas?|salari(?:o|os|al)|sueldos?|comision(?:es)?|cobra cada|cuanto cobra|cuanto gana|horas extra pagadas|gehalt|gehalter|gehaltern|gehalts\w*|lohn|lohne|lohnen|lohnabrechnung(?:en)?|lohnkosten|provision(?:en)?|verdient|verdienen|pramie(?:n)?|bonuszahlung(?:en)?)\b/,
  ],
  // personal contact data of individuals
  [
    "personal",
    /\b(home|private|personal|residential) (?:address(?:es)?|phone(?: numbers?)?|mobiles?(?: numbers?)?|cell(?: ?phones?)?(?: numbers?)?|e-?mails?(?: address(?:es)?)?|numbers?)\b/,
  ],
  [
    "personal",
    /\b(dates? of birth|d\.?o\.?b\.?|birthdays?|next of kin|emergency contacts?|marital status|divorc(?:e|ed|es|ing)|getting married|religion|political views|ethnicity|sexual orientation)\b/,
  ],
  [
    "personal",
    new RegExp(
      `\\b${STAFF}\\b[^.?!;]{0,60}\\b(?:address(?:es)?|phone(?: numbers?)?|mobiles?|mobile numbers?|cell numbers?)\\b`,
    ),
  ],
  [
    "personal",
    new RegExp(
      `\\b(?:address(?:es)?|phone numbers?|mobiles?|mobile numbers?|cell numbers?)\\b[^.?!;]{0,40}\\b(?:of|for) (?:all |every |each |our |the )?${STAFF}\\b`,
    ),
  ],
  [
    "personal",
    /\b(direccion(?:es)? (?:particular(?:es)?|personal(?:es)?|de casa|del domicilio)|domicilios? particular(?:es)?|telefonos? (?:personal(?:es)?|particular(?:es)?|movil(?:es)? personal(?:es)?)|fechas? de nacimiento|privatadressen?|privatanschrift(?:en)?|wohnadressen?|wohnanschrift(?:en)?|handynummern?|private telefonnummern?|geburtsdat(?:um|en)|geburtstage?)\b/,
  ],
  // bank and card
  [
    "bank",
    /\b(iban|swift(?: code)?|bic|sort codes?|routing (?:number|no)s?|account (?:number|no\.?|#)s?|account details|bank (?:account|details|statement|information|info)s?|acct\.? no\.?|wire details|cuenta bancaria|cuentas bancarias|numero de cuenta|datos bancarios|kontonummer(?:n)?|bankverbindung(?:en)?|bankdaten|kontodaten)\b/,
  ],
  [
    "card",
    /\b(card numbers?|credit card(?: number)?s? on file|cvv|cvc|card verification|security code on the card|numero de tarjeta|kartennummer(?:n)?|kreditkartennummer(?:n)?)\b/,
  ],
  // government ids
  [
    "government_id",
    /\b(ssn|social security(?: numbers?)?|national insurance(?: numbers?)?|ni numbers?|passport(?: numbers?| no\.?)?|tax id(?:entification)?(?: numbers?)?|tin numbers?|driver'?s licen[cs]e(?: numbers?)?|driving licen[cs]e(?: numbers?)?|national id(?: numbers?)?|id card numbers?|dni|numero nie|nie y|nif|seguridad social|pasaportes?|steuer-?id|steuernummer(?:n)?|sozialversicherungsnummer(?:n)?|personalausweis(?:nummer)?|reisepass(?:nummer)?)\b/,
  ],
  // health
  [
    "health",
    /\b(medical (?:conditions?|records?|history|leave|certificates?|appointments?|issues?|reasons?|notes?)|diagnos(?:is|es|ed)|illness(?:es)?|sick(?:ness)? (?:leave|note|days?|pay)|off sick|long-term sick|health (?:records?|conditions?|issues?|insurance|data|problems?|claims?)|disabilit(?:y|ies)|pregnan(?:t|cy)|maternity|paternity|therapy|mental health|doctor'?s note|prescriptions?|baja medica|bajas medicas|enfermedad(?:es)?|enferm[oa]s?|embarazada|krankmeldung(?:en)?|krankgeschrieben|krankheit(?:en)?|krankenstand|arbeitsunfahig\w*|schwanger\w*|behinderung(?:en)?)\b/,
  ],
  // HR matters
  [
    "hr",
    /\b(disciplinary|grievances?|performance reviews?|performance review scores?|appraisals?|background checks?|criminal records?|dismissals?|who to (?:let go|fire)|personnel files?|hr files?|abmahnung(?:en)?|expediente disciplinario|evaluacion(?:es)? de desempeno)\b/,
  ],
  ["personal", /\b(personal data|confidential|datos personales|personenbezogene daten)\b/],
];

/** Arabic terms (no case, no \b in JS regex for Arabic letters: plain substring match). */
const ARABIC: [SensitiveCategory, string[]][] = [
  ["payroll", ["راتب", "رواتب", "الرواتب", "أجور", "الأجور", "عمولة", "عمولات", "مكافأة", "كشف الرواتب"]],
  [
    "personal",
    [
      "عنوان المنزل",
      "عناوين المنازل",
      "الهواتف الشخصية",
      "الهاتف الشخصي",
      "رقم الهاتف الشخصي",
      "تاريخ الميلاد",
      "تواريخ الميلاد",
    ],
  ],
  ["bank", ["رقم الحساب", "الحساب البنكي", "حساب بنكي", "الحساب المصرفي", "آيبان", "ايبان"]],
  ["card", ["رقم البطاقة", "بطاقة الائتمان"]],
  [
    "government_id",
    ["رقم الهوية", "الهوية الوطنية", "جواز السفر", "جوازات السفر", "الرقم الضريبي", "الضمان الاجتماعي"],
  ],
  [
    "health",
    ["إجازة مرضية", "الإجازات المرضية", "اجازة مرضية", "مرض", "طبي", "طبية", "تشخيص", "حامل", "إعاقة"],
  ],
  ["hr", ["تقييم الأداء", "إجراء تأديبي", "تأديبي", "شكوى ضد", "سجل جنائي"]],
];

const digitsOf = (s: string) => s.replace(/\D/g, "");

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(raw: string): boolean {
  const s = raw.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/** Numbers recognised by their structure, on the original text (digits folded to ASCII). */
function structuralMatches(text: string, out: Set<SensitiveCategory>): void {
  // Fold Arabic-Indic and full-width digits to ASCII so a number can't hide in another script.
  const t = text
    .normalize("NFKC")
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
  // An IBAN is written in groups; the words after it may look like more groups, so try each length.
  for (const m of t.matchAll(/\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{2,4}){3,8}\b/g)) {
    const groups = m[0].split(" ");
    for (let k = groups.length; k >= 2; k--)
      if (ibanValid(groups.slice(0, k).join(""))) {
        out.add("bank");
        break;
      }
  }
  for (const m of t.matchAll(/(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])/g)) {
    const d = digitsOf(m[0]);
    // Luhn-valid 13–19 digit runs are card numbers; any 15–16 digit run with card-style grouping too.
    if ((d.length >= 13 && d.length <= 19 && luhn(d)) || /^\d{4}([ -])\d{4}\1\d{4}\1\d{3,4}$/.test(m[0]))
      out.add("card");
  }
  if (/(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)/.test(t)) out.add("government_id");
  // Bank sort code with an account number (UK): 20-00-00 / 12345678.
  if (/\b\d{2}-\d{2}-\d{2}\b/.test(t) && /\b\d{8}\b/.test(t)) out.add("bank");
}

/** "where does Ann live" asks for a person's home; "where does our office live" (rare) does not. */
const WHERE_LIVES = /\bwhere (?:does|do) ([a-z'-]+(?: [a-z'-]+){0,3}) live\b/;
const NOT_A_PERSON =
  /^(?:we|you|they|the company|the business|our (?:office|shop|store|company|business|data|stock|inventory|files?|website|site))$/;

/** Pure: which sensitive categories occur in `texts` (the question and the data the answer would use). */
export function detectSensitive(...texts: string[]): SensitivityResult {
  const categories = new Set<SensitiveCategory>();
  for (const text of texts) {
    if (!text) continue;
    const n = normalise(text);
    for (const [category, re] of LATIN) if (re.test(n)) categories.add(category);
    const lives = WHERE_LIVES.exec(n);
    if (lives?.[1] && !NOT_A_PERSON.test(lives[1])) categories.add("personal");
    for (const [category, terms] of ARABIC) if (terms.some((t) => text.includes(t))) categories.add(category);
    structuralMatches(text, categories);
  }
  return { sensitive: categories.size > 0, categories: [...categories].sort() };
}
