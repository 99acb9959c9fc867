/**
 * WhatsApp addresses in one form: E.164 with a leading "+" ("+15550000001"). Cloud API sends
 * `wa_id` digits, whatsapp-web.js sends "15550000001@c.us" chat ids.
 */
/** A business-scoped user id (BSUID): two-letter country code, a period, up to 128 alphanumerics. */
export const BSUID_RE = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

/** A WhatsApp address Keel can send to: E.164, or a BSUID for users whose number Meta withholds. */
export function toAddress(raw: string): string | null {
  return BSUID_RE.test(raw) ? raw : toE164(raw);
}

export function toE164(raw: string): string | null {
  const digits = raw.replace(/@.*$/, "").replace(/[^\d]/g, "");
  return digits.length >= 6 && digits.length <= 15 ? `+${digits}` : null;
}

/** Digits only, as the Cloud API `to` field wants. */
export const toDigits = (e164: string): string => e164.replace(/[^\d]/g, "");

/** whatsapp-web.js chat id for a person. */
export const toChatId = (e164: string): string => `${toDigits(e164)}@c.us`;
