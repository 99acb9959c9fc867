import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local server speaking the OpenAI chat-completions wire protocol (`POST /v1/chat/completions`,
 * JSON or SSE when `stream: true`, `GET /v1/models`), so the real `openai` client is exercised.
 * Replies are scripted per request (a queue of steps, then a default), with faults: HTTP errors with
 * Retry-After, hangs, malformed JSON. Every request is recorded.
 */
export type OpenAiStep =
  | { reply: string; usage?: { prompt_tokens: number; completion_tokens: number } | null; delayMs?: number }
  | { status: number; retryAfter?: string; error?: string }
  | { hang: true }
  | { malformed: true }
  | { fn: (body: OpenAiRequestBody) => string }
  /** Decides the step per request (hostile personas: obedient, liar, chaos, garbage). */
  | { pick: (body: OpenAiRequestBody) => OpenAiStep };

export interface OpenAiRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  temperature?: number;
  max_tokens?: number;
  response_format?: { type: string };
  stream_options?: { include_usage?: boolean };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: OpenAiRequestBody;
}

export interface FakeOpenAi {
  /** Base URL for OPENAI_BASE_URL (ends in /v1). */
  url: string;
  requests: RecordedRequest[];
  /** Chat requests only. */
  chats(): RecordedRequest[];
  enqueue(...steps: OpenAiStep[]): void;
  /** Reply used when the queue is empty (default: "fake answer from <model>"). */
  setDefault(step: OpenAiStep): void;
  /** Respond to /v1/embeddings with this status (200 = deterministic bag-of-words vectors). */
  embeddingsStatus: number;
  /** Words embedded as another word (so "lift trucks" can mean "forklift" to the fake model). */
  synonyms: Record<string, string>;
  /** Embeddings requests only. */
  embeddings(): RecordedRequest[];
  /** Respond to /v1/models with this status (e.g. 401 for a bad key). */
  modelsStatus: number;
  close(): Promise<void>;
}

/** ~4 characters per token: close enough for a fake that reports usage. */
export const fakeTokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const queue: OpenAiStep[] = [];
  let fallback: OpenAiStep | undefined;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = (raw ? JSON.parse(raw) : {}) as OpenAiRequestBody;
    const path = (req.url ?? "").split("?")[0] ?? "";
    requests.push({ method: req.method ?? "", path, headers: req.headers, body });
    if (req.method === "GET" && path === "/v1/models") {
      if (fake.modelsStatus !== 200)
        return json(res, fake.modelsStatus, { error: { message: "bad key", type: "invalid_request_error" } });
      return json(res, 200, {
        object: "list",
        data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "fake" }],
      });
    }
    if (req.method === "POST" && path === "/v1/embeddings") {
      if (fake.embeddingsStatus !== 200)
        return json(res, fake.embeddingsStatus, {
          error: { message: "fake embeddings error", type: "server_error" },
        });
      const input = (body as unknown as { input: string | string[] }).input;
      const inputs = Array.isArray(input) ? input : [input];
      return json(res, 200, {
        object: "list",
        model: body.model,
        data: inputs.map((t, index) => ({
          object: "embedding",
          index,
          embedding: fakeEmbedding(t, fake.synonyms),
        })),
        usage: { prompt_tokens: inputs.reduce((n, t) => n + fakeTokens(t), 0), total_tokens: 0 },
      });
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions")
      return json(res, 404, { error: { message: "not found" } });
    let step = queue.shift() ?? fallback ?? { reply: `fake answer from ${body.model}` };
    while ("pick" in step) step = step.pick(body);
    if ("hang" in step) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if ("status" in step) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (step.retryAfter !== undefined) headers["retry-after"] = step.retryAfter;
      res.writeHead(step.status, headers);
      return res.end(
        JSON.stringify({
          error: { message: step.error ?? `fake error ${step.status}`, type: "server_error" },
        }),
      );
    }
    if ("malformed" in step) {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end('{"id": "chatcmpl-x", "choices": [ {"message": ');
    }
    if ("delayMs" in step && step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    const content = "fn" in step ? step.fn(body) : step.reply;
    const promptTokens = body.messages.reduce((n, m) => n + fakeTokens(m.content) + 3, 3);
    const usage =
      "reply" in step && step.usage !== undefined
        ? step.usage
        : { prompt_tokens: promptTokens, completion_tokens: fakeTokens(content) };
    const id = `chatcmpl-${requests.length}`;
    if (body.stream) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const words = content.match(/\S+\s*/g) ?? [content];
      const base = { id, object: "chat.completion.chunk", created: 0, model: body.model };
      res.write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })}\n\n`,
      );
      for (const w of words)
        res.write(
          `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\n\n`,
        );
      res.write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
      );
      if (body.stream_options?.include_usage && usage)
        res.write(
          `data: ${JSON.stringify({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`,
        );
      res.write("data: [DONE]\n\n");
      return res.end();
    }
    return json(res, 200, {
      id,
      object: "chat.completion",
      created: 0,
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
      ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
    });
  });
  // Longer than any pause between calls in a test, so pooled sockets are not closed under the client.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;

  const fake: FakeOpenAi = {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chats: () => requests.filter((r) => r.path === "/v1/chat/completions"),
    enqueue: (...steps) => queue.push(...steps),
    setDefault: (step) => {
      fallback = step;
    },
    modelsStatus: 200,
    embeddingsStatus: 200,
    synonyms: {},
    embeddings: () => requests.filter((r) => r.path === "/v1/embeddings"),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return fake;
}

/** A deterministic 64-dimension bag-of-words vector (unit length): shared words → higher cosine. */
export function fakeEmbedding(text: string, synonyms: Record<string, string> = {}): number[] {
  const v = new Array<number>(64).fill(0);
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []) {
    const w = synonyms[raw] ?? raw;
    let h = 2166136261;
    for (const ch of w) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
    v[(h >>> 0) % 64]! += 1;
  }
  const n = Math.sqrt(v.reduce((a, b) => a + b * b, 0)) || 1;
  return v.map((x) => x / n);
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
