import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Seals tokens at rest with AES-256-GCM under a key derived from KEEL_SECRET. Without a configured
 * secret (single-process dev) values are stored as-is with a "raw:" prefix, so nothing is lost.
 */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function createSealer(secret: string | undefined): Sealer {
  const key = secret ? createHash("sha256").update(`keel:slack-tokens:${secret}`).digest() : undefined;
  return {
    seal(plain) {
      if (!key) return `raw:${plain}`;
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return `v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString("base64url")}`;
    },
    open(sealed) {
      if (sealed.startsWith("raw:")) return sealed.slice(4);
      if (!key || !sealed.startsWith("v1:"))
        throw new Error("cannot open sealed Slack token (KEEL_SECRET changed or missing)");
      const buf = Buffer.from(sealed.slice(3), "base64url");
      const d = createDecipheriv("aes-256-gcm", key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8");
    },
  };
}
