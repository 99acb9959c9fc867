import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Seals secrets at rest (Slack tokens, connector credentials) with AES-256-GCM under a key derived
 * from KEEL_SECRET and a purpose label, so one kind of sealed value cannot be opened as another.
 * Without a configured secret, `allowRaw` stores values as-is with a "raw:" prefix (single-process
 * dev, Slack only); callers that must never store in clear pass `allowRaw: false` and get an error.
 */
export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

export class SealError extends Error {
  override name = "SealError";
}

export function createSealer(
  secret: string | undefined,
  opts: { purpose?: string; allowRaw?: boolean } = {},
): Sealer {
  const purpose = opts.purpose ?? "slack-tokens";
  const allowRaw = opts.allowRaw ?? true;
  const key = secret ? createHash("sha256").update(`keel:${purpose}:${secret}`).digest() : undefined;
  return {
    seal(plain) {
      if (!key) {
        if (!allowRaw) throw new SealError(`cannot seal ${purpose}: KEEL_SECRET is not set`);
        return `raw:${plain}`;
      }
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return `v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString("base64url")}`;
    },
    open(sealed) {
      if (sealed.startsWith("raw:") && allowRaw) return sealed.slice(4);
      if (!key || !sealed.startsWith("v1:"))
        throw new SealError(`cannot open sealed ${purpose} (KEEL_SECRET changed or missing)`);
      const buf = Buffer.from(sealed.slice(3), "base64url");
      const d = createDecipheriv("aes-256-gcm", key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      try {
        return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8");
      } catch {
        throw new SealError(`cannot open sealed ${purpose} (KEEL_SECRET changed)`);
      }
    },
  };
}
