import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { filePart } from "./multipart.js";

/**
 * A local Slack Web API that speaks the real wire protocol (form or JSON bodies, Bearer tokens,
 * `{ ok, error }` answers, 429 + Retry-After), so tests drive the real @slack/web-api client and
 * Bolt's respond(). Records every call; also serves response_url and file upload endpoints.
 */
export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  token?: string;
  at: number;
  /** When the answer was sent (after any hang). */
  answeredAt?: number;
}

export interface FakeFailure {
  /** Answer only after this long (client timeouts). */
  hangMs?: number;
  /** With hangMs: Slack does the work at once and only the answer hangs (the caller may die meanwhile). */
  acceptFirst?: boolean;
  /** With hangMs: a caller that is gone by then (killed, timed out) had its request dropped unprocessed. */
  dropIfGone?: boolean;
  /** No failure: this call goes through (to fail a later one in the queue). */
  pass?: boolean;
  status?: number;
  retryAfter?: number;
  error?: string;
}

export interface FakeUser {
  name: string;
  email?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** How many times chat.update changed it. */
  edits?: number;
}

/** A file taken through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface FakeUpload {
  id: string;
  filename: string;
  /** The length announced to getUploadURLExternal. */
  length: number;
  altText?: string;
  /** Bytes received at the upload URL (the file part of a multipart body, or the raw body). */
  bytes?: Buffer;
  /** Set by completeUploadExternal. */
  completed?: { channelId?: string; threadTs?: string; title?: string; initialComment?: string };
}

export class FakeSlackApi {
  readonly calls: FakeCall[] = [];
  /** Files uploaded with the files.uploadV2 flow, by file id. */
  readonly uploads = new Map<string, FakeUpload>();
  /** Bodies POSTed to response_url endpoints, by id. */
  readonly responses: { id: string; body: Record<string, unknown>; at: number }[] = [];
  readonly messages: FakeMessage[] = [];
  readonly users = new Map<string, FakeUser>();
  /** token → team id answered by auth.test. */
  readonly tokens = new Map<string, { team: string; user: string; bot: string }>();
  readonly revoked = new Set<string>();
  /** Files served at url_private_download (`/files-pri/…`), only with a Bearer token; downloads recorded. */
  readonly files = new Map<string, Buffer>();
  readonly downloads: { path: string; token?: string }[] = [];
  /** What apps.connections.open answers (Socket Mode): a ws:// URL of a local socket server. */
  socketUrl?: string;
  oauthAccess: (params: Record<string, unknown>) => Record<string, unknown> = () => ({
    ok: false,
    error: "invalid_code",
  });
  private readonly failures = new Map<string, FakeFailure[]>();
  private server?: Server;
  private seq = 1_700_000_000;
  base = "";

  /** The Web API base URL (SLACK_API_URL). */
  get url(): string {
    return `${this.base}/api/`;
  }

  /** Serves `body` like files.slack.com does and returns its url_private_download. */
  addFile(id: string, name: string, body: Buffer | string): string {
    const path = `/files-pri/T0DEMO-${id}/download/${encodeURIComponent(name)}`;
    this.files.set(path, Buffer.isBuffer(body) ? body : Buffer.from(body));
    return `${this.base}${path}`;
  }

  responseUrl(id: string): string {
    return `${this.base}/response/${id}`;
  }

  /** The next call(s) to `method` fail this way, in order. */
  failNext(method: string, ...f: FakeFailure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...f]);
  }

  /** Forgets queued failures (a scenario's faults end with the process they were meant for). */
  clearFailures(): void {
    this.failures.clear();
  }

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesFor(id: string) {
    return this.responses.filter((r) => r.id === id);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private nextTs(): string {
    this.seq += 1;
    return `${this.seq}.000100`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bodyBytes = Buffer.concat(chunks);
    const raw = bodyBytes.toString("utf8");
    const path = (req.url ?? "").split("?")[0]!;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (path.startsWith("/response/")) {
      this.responses.push({
        id: path.slice("/response/".length),
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
        at: Date.now(),
      });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return;
    }
    if (path.startsWith("/files-pri/")) {
      const auth = String(req.headers.authorization ?? "");
      this.downloads.push({ path, token: auth.startsWith("Bearer ") ? auth.slice(7) : undefined });
      const file = this.files.get(path);
      // Like Slack: without a valid token the file host answers with a login page, not the file.
      if (!auth.startsWith("Bearer xox") || !file) {
        res.writeHead(file ? 302 : 404, { location: "https://slack.com/signin" });
        res.end();
        return;
      }
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(file.length),
      });
      res.end(file);
      return;
    }
    if (path.startsWith("/upload/v1/")) {
      // files.slack.com's upload URL: the bytes as a multipart file part (what @slack/web-api sends) or raw.
      const upload = this.uploads.get(path.slice("/upload/v1/".length));
      if (req.method !== "POST" || !upload) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("Not Found");
        return;
      }
      upload.bytes = filePart(bodyBytes, String(req.headers["content-type"] ?? ""));
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${upload.bytes.length}`);
      return;
    }
    if (!path.startsWith("/api/")) return send(404, { ok: false, error: "unknown_path" });
    const method = path.slice("/api/".length);
    const params = parseParams(raw, String(req.headers["content-type"] ?? ""));
    const auth = String(req.headers.authorization ?? "");
    const token = auth.startsWith("Bearer ")
      ? auth.slice(7)
      : typeof params.token === "string"
        ? params.token
        : undefined;
    const call: FakeCall = { method, params, token, at: Date.now() };
    this.calls.push(call);
    const queued = this.failures.get(method)?.shift();
    const fail = queued?.pass ? undefined : queued;
    if (fail?.acceptFirst && fail.hangMs) {
      const body = this.answer(method, params, token);
      await new Promise((r) => setTimeout(r, fail.hangMs));
      call.answeredAt = Date.now();
      if (!res.destroyed) send(200, body);
      return;
    }
    if (fail?.hangMs) await new Promise((r) => setTimeout(r, fail.hangMs));
    call.answeredAt = Date.now();
    if (fail?.dropIfGone && (req.socket.destroyed || res.destroyed)) return;
    if (fail?.hangMs && !fail.status && !fail.error) return send(200, this.answer(method, params, token));
    if (fail?.status === 429)
      return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(fail.retryAfter ?? 1) });
    if (fail) return send(fail.status ?? 200, { ok: false, error: fail.error ?? "internal_error" });
    if (token && this.revoked.has(token)) return send(200, { ok: false, error: "token_revoked" });
    send(200, this.answer(method, params, token));
  }

  private answer(method: string, p: Record<string, unknown>, token?: string): Record<string, unknown> {
    switch (method) {
      case "auth.test": {
        const t = (token && this.tokens.get(token)) || { team: "T0DEMO", user: "UKEELBOT", bot: "BKEELBOT" };
        return {
          ok: true,
          url: "https://demo.slack.com/",
          team: "Demo",
          user: "keel",
          team_id: t.team,
          user_id: t.user,
          bot_id: t.bot,
        };
      }
      case "chat.postMessage": {
        const m: FakeMessage = {
          channel: String(p.channel),
          ts: this.nextTs(),
          thread_ts: p.thread_ts as string | undefined,
          text: p.text as string,
          blocks: p.blocks as unknown[],
          metadata: p.metadata as FakeMessage["metadata"],
        };
        this.messages.push(m);
        return { ok: true, channel: m.channel, ts: m.ts, message: { text: m.text, ts: m.ts } };
      }
      case "chat.update": {
        const m = this.messages.find((x) => x.channel === p.channel && x.ts === p.ts);
        if (m) {
          m.text = p.text as string;
          m.blocks = p.blocks as unknown[];
          if (p.metadata) m.metadata = p.metadata as FakeMessage["metadata"];
          m.edits = (m.edits ?? 0) + 1;
        }
        return { ok: true, channel: p.channel, ts: p.ts, text: p.text };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "chat.delete":
        return { ok: true, channel: p.channel, ts: p.ts };
      case "views.open":
      case "views.publish":
      case "views.update": {
        const problems = viewProblems(p.view);
        if (problems.length)
          return { ok: false, error: "invalid_blocks", response_metadata: { messages: problems } };
        return { ok: true, view: { id: `V${this.calls.length}`, hash: "h1" } };
      }
      case "users.info": {
        const u = this.users.get(String(p.user));
        return u
          ? {
              ok: true,
              user: {
                id: p.user,
                name: u.name,
                real_name: u.name,
                profile: { real_name: u.name, email: u.email },
              },
            }
          : { ok: false, error: "user_not_found" };
      }
      case "conversations.history":
      case "conversations.replies": {
        const list = this.messages.filter(
          (m) =>
            m.channel === p.channel &&
            (method === "conversations.history" || m.thread_ts === p.ts || m.ts === p.ts),
        );
        return {
          ok: true,
          messages: list.map((m) => ({
            type: "message",
            ts: m.ts,
            text: m.text,
            ...(p.include_all_metadata ? { metadata: m.metadata } : {}),
          })),
        };
      }
      case "oauth.v2.access":
        return this.oauthAccess(p);
      case "apps.connections.open":
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: "invalid_auth" };
      case "files.getUploadURLExternal": {
        // filename and length are required (docs.slack.dev/reference/methods/files.getUploadURLExternal).
        const length = Number(p.length);
        if (typeof p.filename !== "string" || !p.filename || !Number.isInteger(length) || length < 1)
          return { ok: false, error: "invalid_arguments" };
        const id = `F0${String(this.uploads.size + 1).padStart(9, "0")}`;
        this.uploads.set(id, {
          id,
          filename: p.filename,
          length,
          ...(typeof p.alt_text === "string" ? { altText: p.alt_text } : {}),
        });
        return { ok: true, upload_url: `${this.base}/upload/v1/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const files = (typeof p.files === "string" ? JSON.parse(p.files) : p.files) as
          | { id: string; title?: string }[]
          | undefined;
        if (!Array.isArray(files) || files.length === 0) return { ok: false, error: "invalid_arguments" };
        // A file whose bytes never arrived, or arrived short of the announced length, is not shared.
        for (const f of files) {
          const u = this.uploads.get(f.id);
          if (!u?.bytes || u.bytes.length !== u.length) return { ok: false, error: "file_not_found" };
        }
        for (const f of files) {
          const u = this.uploads.get(f.id)!;
          u.completed = {
            ...(p.channel_id ? { channelId: String(p.channel_id) } : {}),
            ...(p.thread_ts ? { threadTs: String(p.thread_ts) } : {}),
            ...(f.title ? { title: f.title } : {}),
            ...(p.initial_comment ? { initialComment: String(p.initial_comment) } : {}),
          };
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? "" })) };
      }
      default:
        return { ok: true };
    }
  }
}

/**
 * What Slack answers `invalid_blocks` for in a view (docs.slack.dev/reference/views): more than 100
 * blocks, a repeated block_id, a repeated action_id inside one actions block.
 */
function viewProblems(view: unknown): string[] {
  const v = (typeof view === "string" ? JSON.parse(view) : view) as
    | { blocks?: Record<string, unknown>[] }
    | undefined;
  const blocks = v?.blocks ?? [];
  const out: string[] = [];
  if (blocks.length > 100) out.push(`[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]`);
  const seen = new Set<string>();
  blocks.forEach((b, i) => {
    const id = b.block_id as string | undefined;
    if (id !== undefined) {
      if (seen.has(id))
        out.push(`[ERROR] duplicate block_id ${id} [json-pointer:/view/blocks/${i}/block_id]`);
      seen.add(id);
    }
    if (b.type === "actions") {
      const ids = ((b.elements as { action_id?: string }[]) ?? []).map((e) => e.action_id).filter(Boolean);
      if (new Set(ids).size !== ids.length)
        out.push(`[ERROR] duplicate action_id [json-pointer:/view/blocks/${i}]`);
    }
  });
  return out;
}

function parseParams(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (/^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {}
    }
    out[k] = v === "true" ? true : v === "false" ? false : v;
  }
  return out;
}
