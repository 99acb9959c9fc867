import type { z } from "zod";
import type { Logger } from "../../infra/logger.js";
import { v1Envelope, v2Envelope } from "./schemas.js";

/**
 * A small typed client for the Pipedrive REST API (why not the official `pipedrive` package: see the
 * README's connector section). Auth by API token in the `x-api-token` header (never in the URL, so
 * it cannot reach a log line). Pacing is a token bucket sized by the server's own rate-limit
 * headers; 429s wait `retry-after` (else `x-ratelimit-reset`); 5xx and network errors back off
 * exponentially with jitter; 401/403 are permanent (the owner must reconnect).
 */
export type PipedriveErrorCode =
  | "auth"
  | "rate_limited"
  | "server"
  | "network"
  | "bad_response"
  | "bad_request";

export class PipedriveError extends Error {
  override name = "PipedriveError";
  constructor(
    readonly code: PipedriveErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
  get permanent(): boolean {
    return this.code === "auth" || this.code === "bad_request";
  }
}

export interface PipedriveClientOptions {
  baseUrl: string;
  token: string;
  pageLimit?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  /** Requests per 2-second window until the server's x-ratelimit-limit is seen. */
  burstPer2s?: number;
  /** Longest single wait on a 429 before giving up for this run (daily budget exhausted). */
  maxWaitMs?: number;
  timeoutMs?: number;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface ClientStats {
  requests: number;
  retries: number;
  throttled: number;
  waitedMs: number;
}

const WINDOW_MS = 2000;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const num = (h: string | null) =>
  h !== null && h !== "" && Number.isFinite(Number(h)) ? Number(h) : undefined;

export function createPipedriveClient(opts: PipedriveClientOptions) {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const limit = opts.pageLimit ?? 500;
  const maxRetries = opts.maxRetries ?? 5;
  const retryBase = opts.retryBaseMs ?? 1000;
  const maxWait = opts.maxWaitMs ?? 60_000;
  const sleep = opts.sleep ?? defaultSleep;
  const doFetch = opts.fetch ?? fetch;
  const stats: ClientStats = { requests: 0, retries: 0, throttled: 0, waitedMs: 0 };
  // Token bucket: `capacity` requests per window; the window restarts when it ends or the server says.
  let capacity = opts.burstPer2s ?? 20;
  let tokens = capacity;
  let windowEnds = 0;

  const wait = async (ms: number) => {
    if (ms <= 0) return;
    stats.waitedMs += ms;
    await sleep(ms);
  };

  async function pace() {
    const now = Date.now();
    if (now >= windowEnds) {
      tokens = capacity;
      windowEnds = now + WINDOW_MS;
    }
    if (tokens <= 0) {
      await wait(windowEnds - now);
      tokens = capacity;
      windowEnds = Date.now() + WINDOW_MS;
    }
    tokens--;
  }

  function learn(res: Response) {
    const lim = num(res.headers.get("x-ratelimit-limit"));
    const remaining = num(res.headers.get("x-ratelimit-remaining"));
    const reset = num(res.headers.get("x-ratelimit-reset"));
    if (lim && lim > 0) capacity = lim;
    if (remaining !== undefined) tokens = Math.min(tokens, remaining);
    if (reset !== undefined && remaining !== undefined && remaining <= 0)
      windowEnds = Date.now() + reset * 1000;
  }

  function retryAfterMs(res: Response): number | undefined {
    const ra = res.headers.get("retry-after");
    if (ra) {
      const s = num(ra);
      if (s !== undefined) return s * 1000;
      const at = Date.parse(ra);
      if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
    }
    const reset = num(res.headers.get("x-ratelimit-reset"));
    return reset !== undefined ? reset * 1000 : undefined;
  }

  const backoff = (attempt: number) => {
    const full = retryBase * 2 ** attempt;
    return Math.round(full / 2 + Math.random() * (full / 2));
  };

  /** GET path?query, validated by `schema`; retries 429/5xx/network errors within the budget. */
  async function get<T extends z.ZodType>(
    path: string,
    query: Record<string, string>,
    schema: T,
  ): Promise<z.infer<T>> {
    const url = `${base}${path}?${new URLSearchParams(query).toString()}`;
    for (let attempt = 0; ; attempt++) {
      await pace();
      stats.requests++;
      let res: Response;
      try {
        res = await doFetch(url, {
          headers: { "x-api-token": opts.token, accept: "application/json" },
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        });
      } catch (e) {
        if (attempt >= maxRetries)
          throw new PipedriveError(
            "network",
            `Pipedrive unreachable (${(e as Error).name}: ${(e as Error).message})`,
          );
        stats.retries++;
        opts.logger?.warn({ path, attempt }, "pipedrive network error; retrying");
        await wait(backoff(attempt));
        continue;
      }
      learn(res);
      if (res.ok) {
        let body: unknown;
        try {
          body = await res.json();
        } catch {
          throw new PipedriveError(
            "bad_response",
            `Pipedrive sent a body that is not JSON for ${path}`,
            res.status,
          );
        }
        const parsed = schema.safeParse(body);
        if (!parsed.success)
          throw new PipedriveError(
            "bad_response",
            `Pipedrive response for ${path} did not match the expected shape: ${parsed.error.issues
              .slice(0, 3)
              .map((i) => `${i.path.join(".")}: ${i.message}`)
              .join("; ")}`,
            res.status,
          );
        return parsed.data;
      }
      await res.body?.cancel().catch(() => {});
      if (res.status === 401 || res.status === 403)
        throw new PipedriveError("auth", `Pipedrive refused the API token (HTTP ${res.status})`, res.status);
      if (res.status === 429) {
        stats.throttled++;
        const ms = retryAfterMs(res) ?? backoff(attempt);
        if (attempt >= maxRetries || ms > maxWait)
          throw new PipedriveError(
            "rate_limited",
            `Pipedrive rate limit: retry in ${Math.ceil(ms / 1000)} s (daily budget or burst exhausted)`,
            429,
          );
        stats.retries++;
        opts.logger?.info({ path, waitMs: ms }, "pipedrive 429; waiting as told");
        tokens = 0;
        windowEnds = Date.now() + ms;
        continue;
      }
      if (res.status >= 500) {
        if (attempt >= maxRetries)
          throw new PipedriveError(
            "server",
            `Pipedrive answered HTTP ${res.status} ${maxRetries + 1} times`,
            res.status,
          );
        stats.retries++;
        opts.logger?.warn({ path, status: res.status, attempt }, "pipedrive 5xx; retrying");
        await wait(backoff(attempt));
        continue;
      }
      throw new PipedriveError(
        "bad_request",
        `Pipedrive answered HTTP ${res.status} for ${path}`,
        res.status,
      );
    }
  }

  /** API v2 list: pages by `cursor` until `additional_data.next_cursor` is empty. */
  async function* listV2<T extends z.ZodType>(
    path: string,
    item: T,
    params: Record<string, string> = {},
  ): AsyncGenerator<z.infer<T>[]> {
    let cursor: string | undefined;
    const env = v2Envelope(item);
    do {
      const q: Record<string, string> = { ...params, limit: String(limit) };
      if (cursor) q.cursor = cursor;
      const page = await get(path, q, env);
      yield (page.data ?? []) as z.infer<T>[];
      cursor = page.additional_data?.next_cursor ?? undefined;
    } while (cursor);
  }

  /** API v1 list: pages by `start`/`limit` while `more_items_in_collection`. */
  async function* listV1<T extends z.ZodType>(
    path: string,
    item: T,
    params: Record<string, string> = {},
  ): AsyncGenerator<z.infer<T>[]> {
    let start = 0;
    const env = v1Envelope(item);
    for (;;) {
      const page = await get(path, { ...params, start: String(start), limit: String(limit) }, env);
      yield (page.data ?? []) as z.infer<T>[];
      const p = page.additional_data?.pagination;
      if (!p?.more_items_in_collection) return;
      start = p.next_start ?? p.start + p.limit;
    }
  }

  return { get, listV1, listV2, stats };
}

export type PipedriveClient = ReturnType<typeof createPipedriveClient>;
