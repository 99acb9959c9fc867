import { span } from "../../../core/infra/telemetry/trace.js";
import { AppError } from "../../../core/kernel/errors.js";
import { readBytesCapped } from "../../../core/kernel/read-capped.js";

/** Graph API error codes worth retrying later (throughput, pair rate, temporary). */
const RETRYABLE_CODES = new Set([4, 80007, 130429, 131000, 131016, 131056, 133004]);
/** "More than 24 hours have passed since the recipient last replied" (re-engagement). */
export const REENGAGEMENT_CODE = 131047;

export class GraphApiError extends AppError {
  constructor(
    readonly status: number,
    readonly graphCode: number | undefined,
    message: string,
    retryable: boolean,
  ) {
    super("provider_error", "WhatsApp did not accept the message.", {
      retryable,
      detail: `Graph API ${status}${graphCode ? ` (#${graphCode})` : ""}: ${message}`.slice(0, 300),
    });
  }
}

export interface GraphClientOptions {
  baseUrl: string;
  accessToken: string;
  phoneNumberId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * The few Graph API calls the Cloud transport makes: POST /{phone-number-id}/messages and
 * /{phone-number-id}/media. The base URL is configurable (tests point it at a local server).
 */
export class GraphClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly o: GraphClientOptions) {
    this.fetch = o.fetch ?? globalThis.fetch;
  }

  private url(path: string): string {
    return `${this.o.baseUrl.replace(/\/+$/, "")}/${this.o.phoneNumberId}/${path}`;
  }

  /** One Graph API POST as a client span (the path's last segment; never the body or the number). */
  private call<T>(path: string, body: string | FormData): Promise<T> {
    return span(
      `whatsapp.graph ${path}`,
      { kind: "client", attributes: { "rpc.system": "whatsapp-cloud", "rpc.method": path } },
      async (s) => {
        try {
          return await this.post<T>(path, body);
        } catch (e) {
          if (e instanceof GraphApiError) s.setAttributes({ "http.response.status_code": e.status });
          throw e;
        }
      },
    );
  }

  private async post<T>(path: string, body: string | FormData): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(this.url(path), {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.o.accessToken}`,
          ...(typeof body === "string" ? { "content-type": "application/json" } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
    } catch (e) {
      throw new AppError("provider_error", "WhatsApp could not be reached.", {
        cause: e,
        retryable: true,
        detail: "Graph API unreachable",
      });
    }
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: number; message?: string } } & T;
    if (!res.ok || json.error) {
      const code = json.error?.code;
      const retryable =
        res.status === 429 || res.status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code));
      throw new GraphApiError(res.status, code, json.error?.message ?? res.statusText, retryable);
    }
    return json;
  }

  /**
   * Sends one message object (`type` plus its field); returns the wamid. `to` is phone digits, or a
   * business-scoped user id (username users whose number Meta withholds), sent as `recipient`.
   */
  async sendMessage(to: string, message: Record<string, unknown>): Promise<string> {
    const body = JSON.stringify({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      ...(/^[A-Z]{2}\./.test(to) ? { recipient: to } : { to }),
      ...message,
    });
    const res = await this.call<{ messages?: { id: string }[] }>("messages", body);
    const id = res.messages?.[0]?.id;
    if (!id) throw new GraphApiError(200, undefined, "no message id in the response", true);
    return id;
  }

  /**
   * Downloads inbound media: GET /{media-id} gives a short-lived URL, fetched with the same token.
   * Stops reading past `maxBytes` (the caller then says "too big").
   */
  async downloadMedia(mediaId: string, maxBytes: number): Promise<Uint8Array> {
    if (!/^[\w.-]{1,128}$/.test(mediaId))
      throw new AppError("bad_input", "That file reference is not valid.");
    const auth = { authorization: `Bearer ${this.o.accessToken}` };
    const signal = AbortSignal.timeout(this.o.timeoutMs ?? 60_000);
    const meta = await this.fetch(`${this.o.baseUrl.replace(/\/+$/, "")}/${mediaId}`, {
      headers: auth,
      signal,
    });
    const info = (await meta.json().catch(() => ({}))) as { url?: string; file_size?: number };
    if (!meta.ok || !info.url)
      throw new GraphApiError(meta.status, undefined, "media lookup failed", meta.status >= 500);
    if (info.file_size && info.file_size > maxBytes) return new Uint8Array(info.file_size);
    const res = await this.fetch(info.url, { headers: auth, signal, redirect: "error" });
    if (!res.ok || !res.body)
      throw new GraphApiError(res.status, undefined, "media download failed", res.status >= 500);
    return readBytesCapped(res.body as AsyncIterable<Uint8Array>, maxBytes);
  }

  /** Uploads media (multipart) and returns its media id for an image message. */
  async uploadMedia(bytes: Buffer, mimeType: string, filename: string): Promise<string> {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", mimeType);
    form.set("file", new Blob([new Uint8Array(bytes)], { type: mimeType }), filename);
    const res = await this.call<{ id?: string }>("media", form);
    if (!res.id) throw new GraphApiError(200, undefined, "no media id in the response", true);
    return res.id;
  }
}
