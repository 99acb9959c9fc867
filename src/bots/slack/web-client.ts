import { LogLevel, type RetryOptions, type Logger as SlackLogger, WebClient } from "@slack/web-api";
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

/** A WebClient whose every Web API call is a client span named after the method (no arguments). */
class TracedWebClient extends WebClient {
  override apiCall(method: string, options?: Parameters<WebClient["apiCall"]>[1]) {
    return span(
      `slack ${method}`,
      { kind: "client", attributes: { "rpc.system": "slack", "rpc.method": method } },
      async (s) => {
        const res = await super.apiCall(method, options);
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
