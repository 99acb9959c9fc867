import { readBytesCapped } from "../core/kernel/read-capped.js";

/** Largest request body any route reads unless it says otherwise: 1 MiB (Slack and Meta send far less). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body as text, at most `max` bytes: a declared Content-Length over the cap is
 * refused without reading, and a chunked body stops being read (and the stream is cancelled) the
 * moment it passes the cap. Returns null when the body is too large.
 */
export async function readCapped(req: Request, max = MAX_BODY_BYTES): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    await req.body?.cancel().catch(() => {});
    return null;
  }
  if (!req.body) return "";
  const bytes = await readBytesCapped(req.body as AsyncIterable<Uint8Array>, max);
  return bytes.byteLength > max
    ? null
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}
