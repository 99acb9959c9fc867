/**
 * Output checks on model text before anyone sees it: links only to domains the tenant allows,
 * and — for customer-facing drafts — no URLs, e-mail addresses, @-mentions or instructions that
 * were not in the values the approved template's slots were filled with. A failed check is a
 * flag (drafts: shown to the approver; answers: the template wording is used), never silence.
 */
export type OutputFlag = "link" | "mention" | "contact" | "instruction";

export interface OutputFinding {
  flag: OutputFlag;
  /** What was found (a host, a mention), for the approver and the log; never the whole text. */
  detail: string;
}

export interface OutputPolicy {
  /** Hosts links may point to (a host matches itself and its subdomains). */
  allowedDomains: string[];
  /** Customer-facing: mentions, contacts and instructions must come from the slots. */
  customerFacing?: boolean;
  /** The values the template's slots were filled with (the only source of such text). */
  slots?: string[];
}

const URL_RE =
  /\b(?:https?:\/\/|www\.)[^\s<>"')\]]+|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|example|info|biz|xyz|app|dev|ly|me|ru|cn|tk|top|link|click|page|site|online)(?:\/[^\s<>"')\]]*)?/gi;
const EMAIL_RE = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const MENTION_RE = /<[@!#][^>]+>|(?<![\w.])@(?:channel|here|everyone|[a-z0-9][\w.-]{1,30})\b/gi;
const INSTRUCTION_RE =
  /\b(?:ignore (?:all |any |the )?(?:previous|prior|above|earlier) (?:instructions?|messages?)|disregard (?:the |your )?(?:instructions?|rules)|system prompt|you are now|new instructions?|click (?:here|the link|this link)|(?:reply|respond) with your (?:password|code|pin|card)|(?:send|share|confirm) (?:us |me )?(?:your )?(?:password|passcode|one-time code|otp|pin|card (?:number|details)|bank (?:details|login))|(?:wire|transfer) (?:the )?(?:money|payment|funds) to (?:a |this |our )?new (?:account|iban)|update (?:your|the) (?:bank|payment) details)\b/gi;

const hostOf = (url: string): string =>
  url
    .replace(/^https?:\/\//i, "")
    .replace(/^www\./i, "")
    .split(/[/?#:]/)[0]!
    .toLowerCase()
    .replace(/\.$/, "");

const allowed = (host: string, domains: string[]) =>
  domains.some((d) => {
    const dd = d.toLowerCase().replace(/^\./, "");
    return host === dd || host.endsWith(`.${dd}`);
  });

export function checkOutput(text: string, policy: OutputPolicy): OutputFinding[] {
  const findings: OutputFinding[] = [];
  const slots = (policy.slots ?? []).join("\n").toLowerCase();
  const inSlots = (s: string) => slots.includes(s.toLowerCase());
  const emails = new Set((text.match(EMAIL_RE) ?? []).map((e) => e.toLowerCase()));
  for (const m of text.match(URL_RE) ?? []) {
    const host = hostOf(m);
    if ([...emails].some((e) => e.endsWith(`@${host}`) || e.includes(host))) continue;
    if (!allowed(host, policy.allowedDomains)) findings.push({ flag: "link", detail: host });
  }
  for (const m of text.match(INSTRUCTION_RE) ?? [])
    if (!inSlots(m) || !policy.customerFacing)
      findings.push({ flag: "instruction", detail: m.toLowerCase() });
  if (policy.customerFacing) {
    for (const e of emails) if (!inSlots(e)) findings.push({ flag: "contact", detail: e });
    for (const m of text.match(MENTION_RE) ?? [])
      if (
        !inSlots(m) &&
        !emails.has(m.slice(1).toLowerCase()) &&
        ![...emails].some((e) => e.includes(m.toLowerCase()))
      )
        findings.push({ flag: "mention", detail: m });
  }
  return findings;
}
