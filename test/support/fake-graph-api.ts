import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { filePart } from "./multipart.js";

/** One request the fake Graph API received. */
export interface GraphCall {
  method: string;
  path: string;
  authorization?: string;
  contentType?: string;
  /** Parsed JSON for /messages; the raw text for multipart /media. */
  body: Record<string, unknown> | string;
  /** When the request arrived (ms since epoch): pacing checks. */
  at: number;
  /** The message id answered to a message send. */
  messageId?: string;
}

/** Media uploaded with POST /{phone-number-id}/media: the file part's bytes and its declared type. */
export interface GraphUpload {
  id: string;
  bytes: Buffer;
  type: string;
}

export interface FakeGraphApi {
  /** Base URL like WHATSAPP_GRAPH_API_URL, e.g. http://127.0.0.1:1234/v21.0 */
  url: string;
  calls: GraphCall[];
  /** Media uploaded for outbound messages, by media id. */
  uploads: Map<string, GraphUpload>;
  /** Message sends only (POST /{phone-number-id}/messages), parsed. */
  messages(): Record<string, unknown>[];
  /** Inbound media the webhook refers to: GET /{media-id} answers its URL, the URL answers the bytes. */
  addMedia(id: string, bytes: Buffer | string, mimeType: string): void;
  /** The next `n` message sends answer with this Graph error. */
  failNext(n: number, error: { status: number; code: number; message: string }): void;
  reset(): void;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

/**
 * A local server speaking the WhatsApp Cloud API's wire protocol for the calls Keel makes:
 * POST /vXX.X/{phone-number-id}/messages (JSON) and /media (multipart), bearer token checked,
 * Graph-style error bodies. Records every call.
 */
export async function startFakeGraphApi(opts: {
  accessToken: string;
  phoneNumberId: string;
  version?: string;
}): Promise<FakeGraphApi> {
  const version = opts.version ?? "v21.0";
  const calls: GraphCall[] = [];
  let failures: { n: number; error: { status: number; code: number; message: string } } | undefined;
  let seq = 0;
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  let base = "";
  const uploads = new Map<string, GraphUpload>();
  const server: Server = createServer(async (req, res) => {
    const raw = await read(req);
    const text = raw.toString("utf8");
    const path = req.url ?? "/";
    const contentType = req.headers["content-type"];
    let body: Record<string, unknown> | string = text;
    if (contentType?.startsWith("application/json")) body = JSON.parse(text) as Record<string, unknown>;
    const call: GraphCall = {
      method: req.method ?? "GET",
      path,
      authorization: req.headers.authorization,
      contentType,
      body,
      at: Date.now(),
    };
    calls.push(call);
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    const graphError = (status: number, code: number, message: string) =>
      send(status, { error: { message, type: "OAuthException", code, fbtrace_id: `trace${++seq}` } });
    if (req.headers.authorization !== `Bearer ${opts.accessToken}`)
      return graphError(401, 190, "Invalid OAuth access token.");
    const mediaInfo = new RegExp(`^/${version}/(media-[\\w.]+)$`).exec(path);
    if (req.method === "GET" && mediaInfo) {
      const m = media.get(mediaInfo[1]!);
      if (!m) return graphError(404, 100, "Unsupported get request. Object does not exist.");
      return send(200, {
        messaging_product: "whatsapp",
        url: `${base}/lookaside/${mediaInfo[1]}?ext=1`,
        mime_type: m.mimeType,
        sha256: "f".repeat(64),
        file_size: m.bytes.length,
        id: mediaInfo[1],
      });
    }
    const download = /^\/lookaside\/(media-[\w.]+)\?ext=1$/.exec(path);
    if (req.method === "GET" && download) {
      const m = media.get(download[1]!);
      if (!m) return graphError(404, 100, "not found");
      res.writeHead(200, { "content-type": m.mimeType, "content-length": String(m.bytes.length) });
      res.end(m.bytes);
      return;
    }
    if (req.method !== "POST") return graphError(400, 100, "Unsupported get request.");
    if (path === `/${version}/${opts.phoneNumberId}/messages`) {
      if (failures && failures.n > 0) {
        failures.n--;
        return graphError(failures.error.status, failures.error.code, failures.error.message);
      }
      const b = body as { messaging_product?: string; to?: string; recipient?: string; type?: string };
      // `to` (phone digits) or `recipient` (a business-scoped user id), as the Cloud API takes them.
      if (b.messaging_product !== "whatsapp" || !(b.to || b.recipient) || !b.type)
        return graphError(400, 100, "Invalid parameter");
      const messageId = `wamid.FAKE${++seq}`;
      call.messageId = messageId;
      return send(200, {
        messaging_product: "whatsapp",
        contacts: [b.to ? { input: b.to, wa_id: b.to } : { input: b.recipient, user_id: b.recipient }],
        messages: [{ id: messageId }],
      });
    }
    if (path === `/${version}/${opts.phoneNumberId}/media`) {
      if (!contentType?.startsWith("multipart/form-data") || !text.includes('name="messaging_product"'))
        return graphError(400, 100, "Invalid parameter");
      const id = `media${++seq}`;
      const type = /name="type"\r\n\r\n([^\r]*)/.exec(text)?.[1] ?? "";
      uploads.set(id, { id, bytes: filePart(raw, contentType), type });
      return send(200, { id });
    }
    return graphError(400, 100, "Unknown path components");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}/${version}`,
    calls,
    uploads,
    messages: () =>
      calls
        .filter((c) => c.path.endsWith("/messages") && typeof c.body === "object")
        .map((c) => c.body as Record<string, unknown>),
    addMedia: (id, bytes, mimeType) => {
      media.set(id, { bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), mimeType });
    },
    failNext: (n, error) => {
      failures = { n, error };
    },
    reset: () => {
      calls.length = 0;
      failures = undefined;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
