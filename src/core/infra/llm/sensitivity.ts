/**
 * Data that must not leave the operator's machines: payroll and pay, bank details and account
 * numbers, card numbers, government ids and other personal data. A match pins the request to the
 * local model (Ollama) or the offline provider. Customer names and business e-mail addresses are
 * normal business data and do not count; false positives only cost quality, never privacy.
 */
export interface SensitivityResult {
  sensitive: boolean;
  /** The categories that matched, e.g. ["payroll", "bank"]. Never the matched text itself. */
  categories: string[];
}

const RULES: [category: string, re: RegExp][] = [
  [
    "payroll",
    /\b(payroll|salar(y|ies)|wages?|pay ?slips?|pay ?stubs?|compensation|bonus(es)?|pay rise|raise for)\b/i,
  ],
  [
    "bank",
    /\b(iban|swift|bic|sort code|routing (number|no)|account (number|no\.?|#)|bank (account|details|statement)s?)\b/i,
  ],
  ["bank", /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/],
  ["card", /\b(?:\d[ -]?){13,19}\b/],
  [
    "government_id",
    /\b(ssn|social security|national insurance|passport (number|no)|tax (id|identification)|driver'?s licen[cs]e)\b/i,
  ],
  ["government_id", /\b\d{3}-\d{2}-\d{4}\b/],
  [
    "personal",
    /\b(date of birth|dob|home address|medical|health (record|condition)|sick (leave|note)|disciplinary|performance review|personal data|confidential)\b/i,
  ],
];

/** Pure: which sensitive categories occur in `texts`. */
export function detectSensitive(...texts: string[]): SensitivityResult {
  const categories = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const [category, re] of RULES) if (re.test(text)) categories.add(category);
  }
  return { sensitive: categories.size > 0, categories: [...categories].sort() };
}
