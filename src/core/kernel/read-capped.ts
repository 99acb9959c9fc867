/**
 * Reads a byte stream, at most `maxBytes` of it: the moment it passes the cap, reading stops (the
 * stream is cancelled) and an empty array of the length seen so far comes back — longer than
 * `maxBytes`, which callers take as "too big" without holding the bytes. One byte over is enough.
 */
export async function readBytesCapped(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of body) {
    total += c.byteLength;
    if (total > maxBytes) return new Uint8Array(total);
    chunks.push(c);
  }
  return Buffer.concat(chunks, total);
}
