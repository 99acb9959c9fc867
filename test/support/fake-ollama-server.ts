import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fakeEmbedding } from "./fake-openai-server.js";

/**
 * A local server speaking Ollama's native API (`POST /api/chat` as JSON or NDJSON stream,
 * `GET /api/tags`, `GET /api/version`), so the real `ollama` client is exercised. Scripted replies
 * and faults like the OpenAI fake; every request is recorded.
 */
export type OllamaStep =
  | { reply: string }
  | { status: number; retryAfter?: string; error?: string }
  | { hang: true }
  | { malformed: true }
  | { fn: (body: OllamaRequestBody) => string };

export interface OllamaRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  format?: string | object;
  options?: { temperature?: number; num_predict?: number; num_ctx?: number };
}

export interface RecordedOllamaRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: OllamaRequestBody;
}

export interface FakeOllama {
  /** For OLLAMA_HOST. */
  url: string;
  requests: RecordedOllamaRequest[];
  chats(): RecordedOllamaRequest[];
  enqueue(...steps: OllamaStep[]): void;
  setDefault(step: OllamaStep): void;
  close(): Promise<void>;
}

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

export async function startFakeOllama(): Promise<FakeOllama> {
  const queue: OllamaStep[] = [];
  let fallback: OllamaStep | undefined;
  const requests: RecordedOllamaRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = (raw ? JSON.parse(raw) : {}) as OllamaRequestBody;
    const path = (req.url ?? "").split("?")[0] ?? "";
    requests.push({ method: req.method ?? "", path, headers: req.headers, body });
    if (req.method === "GET" && path === "/api/tags")
      return json(res, 200, { models: [{ name: "llama3.1:8b", model: "llama3.1:8b", size: 1 }] });
    if (req.method === "GET" && path === "/api/version") return json(res, 200, { version: "0.6.0" });
    if (req.method === "POST" && path === "/api/embed") {
      // Ollama's embeddings endpoint: { model, input: string | string[] } → { embeddings: number[][] }.
      const input = (body as unknown as { input: string | string[] }).input;
      const inputs = Array.isArray(input) ? input : [input];
      return json(res, 200, {
        model: body.model,
        embeddings: inputs.map((t) => fakeEmbedding(t)),
        prompt_eval_count: inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0),
      });
    }
    if (req.method !== "POST" || path !== "/api/chat") return json(res, 404, { error: "not found" });
    const step = queue.shift() ?? fallback ?? { reply: `local answer from ${body.model}` };
    if ("hang" in step) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if ("status" in step) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (step.retryAfter !== undefined) headers["retry-after"] = step.retryAfter;
      res.writeHead(step.status, headers);
      return res.end(JSON.stringify({ error: step.error ?? `fake error ${step.status}` }));
    }
    if ("malformed" in step) {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end('{"model": "x", "message": {"role": "assist');
    }
    const content = "fn" in step ? step.fn(body) : step.reply;
    const promptEval = body.messages.reduce((n, m) => n + tokens(m.content), 0);
    const final = {
      model: body.model,
      created_at: new Date(0).toISOString(),
      done: true,
      done_reason: "stop",
      total_duration: 1,
      load_duration: 1,
      prompt_eval_count: promptEval,
      prompt_eval_duration: 1,
      eval_count: tokens(content),
      eval_duration: 1,
    };
    if (body.stream) {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      for (const w of content.match(/\S+\s*/g) ?? [content])
        res.write(
          `${JSON.stringify({ model: body.model, created_at: final.created_at, message: { role: "assistant", content: w }, done: false })}\n`,
        );
      res.write(`${JSON.stringify({ ...final, message: { role: "assistant", content: "" } })}\n`);
      return res.end();
    }
    return json(res, 200, { ...final, message: { role: "assistant", content } });
  });
  // Longer than any pause between calls in a test, so pooled sockets are not closed under the client.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    chats: () => requests.filter((r) => r.path === "/api/chat"),
    enqueue: (...steps) => queue.push(...steps),
    setDefault: (step) => {
      fallback = step;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
