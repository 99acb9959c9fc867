/** The file part of a multipart/form-data body (the first part with a filename, else the first), or the body itself. */
export function filePart(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!contentType.startsWith("multipart/form-data") || !boundary) return body;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: { headers: string; data: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length + 2; // past the delimiter and its CRLF
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2); // minus the CRLF before the next delimiter
    const split = part.indexOf("\r\n\r\n");
    if (split >= 0)
      parts.push({ headers: part.subarray(0, split).toString("utf8"), data: part.subarray(split + 4) });
    at = next;
  }
  return (parts.find((p) => /filename=/i.test(p.headers)) ?? parts[0])?.data ?? body;
}
