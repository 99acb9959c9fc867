import { verifySlackRequest } from "@slack/bolt";

export const MAX_SKEW_SECONDS = 5 * 60;

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "missing_headers" | "stale_timestamp" | "bad_signature" };

/**
 * What can be checked before the body is read: both headers present and the timestamp fresh.
 * A request failing this is refused without reading a byte of its body.
 */
export function precheckRequest(
  headers: { signature?: string; timestamp?: string },
  nowMs: number,
): VerifyResult {
  if (!headers.signature || !headers.timestamp || !/^\d+$/.test(headers.timestamp))
    return { ok: false, reason: "missing_headers" };
  if (Math.abs(Math.floor(nowMs / 1000) - Number(headers.timestamp)) > MAX_SKEW_SECONDS)
    return { ok: false, reason: "stale_timestamp" };
  return { ok: true };
}

/**
 * Checks a Slack request: both headers present, timestamp within five minutes of now in either
 * direction (Bolt's own check only rejects old ones), and the v0 HMAC over `v0:timestamp:body`
 * (Bolt's verifySlackRequest, constant-time compare).
 */
export function verifyRequest(
  signingSecret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  nowMs: number,
): VerifyResult {
  const pre = precheckRequest(headers, nowMs);
  if (!pre.ok) return pre;
  const ts = Number(headers.timestamp);
  try {
    verifySlackRequest({
      signingSecret,
      body,
      headers: { "x-slack-signature": headers.signature ?? "", "x-slack-request-timestamp": ts },
      nowMilliseconds: nowMs,
    });
    return { ok: true };
  } catch {
    return { ok: false, reason: "bad_signature" };
  }
}
