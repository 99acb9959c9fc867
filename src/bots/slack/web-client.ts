import webApi, {
  ErrorCode,
  LogLevel,
  type RetryOptions,
  type Logger as SlackLogger,
  WebClient,
} from "@slack/web-api";
import type { Logger } from "../../core/infra/logger.js";
import { scrubText } from "../../core/infra/safe-error.js";
import { span } from "../../core/infra/telemetry/trace.js";

export interface ClientFactoryOptions {
  apiUrl?: string;
  retryConfig?: RetryOptions;
  /** Per-request timeout; a Web API that hangs must not hold a turn forever (default 10 s). */
  timeoutMs?: number;
  logger: Logger;
}

/**
 * Bridges @slack/logger to pino. Debug output is dropped: it can carry request bodies. Objects other
 * than errors are named by type only (they may be request configs); strings are scrubbed.
 */
export function slackLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) =>
    msg
      .map((m) => (typeof m === "string" ? m : m instanceof Error ? m.message : `[${typeof m}]`))
      .map(scrubText)
      .join(" ")
      .slice(0, 500);
  return {
    debug: () => {},
    info: (...m) => logger.debug({ slack: text(m) }, "slack sdk"),
    warn: (...m) => logger.warn({ slack: text(m) }, "slack sdk"),
    error: (...m) => logger.error({ slack: text(m) }, "slack sdk"),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * Web API methods that put something in a conversation. Slack takes no idempotency key, so one of
 * these whose request timed out, was cut off or got a 5xx may have been carried out all the same:
 * the client must not repeat it on its own (that posts twice). Its caller retries instead, after
 * looking for the message by its metadata (outbox: attempt > 1; inbox: the turn's parts).
 */
const POSTING_METHODS = new Set(["chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal"]);

/** True when a failed request may still have reached Slack and been carried out. */
function mayHaveLanded(e: unknown): boolean {
  const err = e as { code?: unknown; statusCode?: unknown; original?: { code?: unknown } };
  if (err.code === ErrorCode.RequestError) return err.original?.code !== "ECONNREFUSED";
  return err.code === ErrorCode.HTTPError && typeof err.statusCode === "number" && err.statusCode >= 500;
}

/**
 * The retry policy for posting methods: the configured one, stopped at the first failure that may
 * have landed. Rate limits (429, not carried out) are still waited out and retried, as are refused
 * connections. p-retry, under the Web API client, gives up when `onFailedAttempt` throws.
 */
function postingRetries(policy: RetryOptions): RetryOptions {
  const onFailedAttempt = (e: Error) => {
    if (mayHaveLanded(e)) throw e;
  };
  return { ...policy, onFailedAttempt } as RetryOptions;
}

/**
 * A WebClient whose every Web API call is a client span named after the method (no arguments), and
 * whose posting methods go through a twin client that never repeats a post that may have landed.
 */
class TracedWebClient extends WebClient {
  private readonly poster: WebClient;
  constructor(token: string | undefined, options: ConstructorParameters<typeof WebClient>[1] = {}) {
    super(token, options);
    this.poster = new WebClient(token, {
      ...options,
      retryConfig: postingRetries(options.retryConfig ?? webApi.retryPolicies.tenRetriesInAboutThirtyMinutes),
    });
  }

  override apiCall(method: string, options?: Parameters<WebClient["apiCall"]>[1]) {
    return span(
      `slack ${method}`,
      { kind: "client", attributes: { "rpc.system": "slack", "rpc.method": method } },
      async (s) => {
        const res = POSTING_METHODS.has(method)
          ? await this.poster.apiCall(method, options)
          : await super.apiCall(method, options);
        s.setAttributes({ "keel.slack.ok": res.ok === true });
        return res;
      },
    );
  }
}

/** Web API clients per token, all pointing at the configured base URL (a local fake in tests). */
export class ClientFactory {
  private readonly clients = new Map<string, WebClient>();
  readonly options: ConstructorParameters<typeof WebClient>[1];
  constructor(opts: ClientFactoryOptions) {
    this.options = {
      slackApiUrl: opts.apiUrl,
      timeout: opts.timeoutMs ?? 10_000,
      logger: slackLogger(opts.logger.child({ component: "slack-web-api" })),
      ...(opts.retryConfig ? { retryConfig: opts.retryConfig } : {}),
    };
  }

  /** A client for `token`, or a token-less one (oauth.v2.access) when omitted. */
  get(token?: string): WebClient {
    const key = token ?? "";
    let c = this.clients.get(key);
    if (!c) {
      c = new TracedWebClient(token, this.options);
      this.clients.set(key, c);
    }
    return c;
  }

  forget(token: string): void {
    this.clients.delete(token);
  }
}
