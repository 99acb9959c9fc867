import { createHmac, timingSafeEqual } from "node:crypto";

/** `sha256=<hex>` of the raw request body, as Meta sends it in X-Hub-Signature-256. */
export function signBody(raw: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`;
}

/** Constant-time check of X-Hub-Signature-256 against the raw body. */
export function verifySignature(raw: Uint8Array, header: string | undefined, appSecret: string): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(signBody(raw, appSecret).slice(7), "hex");
  const given = Buffer.from(header.slice(7), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
