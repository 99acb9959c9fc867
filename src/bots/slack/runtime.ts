import { App, type App as BoltApp, type Receiver, SocketModeReceiver } from "@slack/bolt";
import type { RetryOptions } from "@slack/web-api";
import type { Hono } from "hono";
import type { Keel } from "../../app.js";
import { AppError } from "../../core/kernel/errors.js";
import { SlackAdapter } from "./adapter.js";
import type { SlackSettings } from "./config.js";
import type { SlackContext } from "./context.js";
import { InstallationRepo } from "./installations.js";
import { registerActions } from "./listeners/actions.js";
import { registerCommands } from "./listeners/commands.js";
import { registerConversation } from "./listeners/conversation.js";
import { registerEditModal } from "./listeners/edit-modal.js";
import { registerHome } from "./listeners/home.js";
import { registerLifecycle } from "./listeners/lifecycle.js";
import { oauthRoutes } from "./oauth.js";
import { ChannelPacer } from "./pacer.js";
import { HonoReceiver } from "./receiver.js";
import { createSealer } from "./seal.js";
import { TaskTracker } from "./tasks.js";
import { resumeTurn } from "./turns.js";
import { ClientFactory, slackLogger } from "./web-client.js";
import { Workspaces } from "./workspaces.js";

export interface SlackRuntimeOptions {
  /** Minimum gap between posts to one channel (default 1,000 ms). */
  paceMs?: number;
  /** Web API retry policy (tests use a fast one). */
  retryConfig?: RetryOptions;
  /** Web API request timeout (default 10 s). */
  timeoutMs?: number;
  /**
   * Most background jobs (slow replies) running at once; more wait in line. Default 256 on Postgres;
   * 16 on embedded PGlite, whose queries run on this thread and would otherwise delay acks.
   */
  maxConcurrentWork?: number;
  /** Force a transport; default from settings.mode. */
  transport?: "http" | "socket";
}

export interface SlackRuntime {
  app: BoltApp;
  adapter: SlackAdapter;
  receiver: Receiver;
  /** The HTTP receiver (HTTP mode only), with ack statistics. */
  http?: HonoReceiver;
  context: SlackContext;
  /** Adds /slack/events (HTTP mode) and /slack/install + /slack/oauth_redirect (OAuth) to the hono app. */
  mount(app: { route(path: string, sub: Hono): unknown }): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when no background work (slow replies) is running. */
  idle(): Promise<void>;
}

/**
 * Builds the Slack channel: Bolt App on a custom receiver (hono HTTP or Socket Mode), the listeners,
 * the installation store and the channel adapter (registered as deps.channels "slack").
 */
export function createSlackRuntime(
  keel: Keel,
  settings: SlackSettings,
  opts: SlackRuntimeOptions = {},
): SlackRuntime {
  const { deps, dispatcher } = keel;
  const log = deps.logger.child({ component: "slack" });
  if (settings.oauth && !deps.config.app.secret && deps.config.app.env === "production")
    throw new AppError(
      "config_invalid",
      "Slack OAuth stores tokens sealed with KEEL_SECRET; set KEEL_SECRET.",
    );
  const clients = new ClientFactory({
    apiUrl: settings.apiUrl,
    retryConfig: opts.retryConfig,
    timeoutMs: opts.timeoutMs,
    logger: deps.logger,
  });
  const repo = settings.oauth
    ? new InstallationRepo(deps.db, createSealer(deps.config.app.secret))
    : undefined;
  const workspaces = new Workspaces(deps, settings, clients, repo);
  const pacer = new ChannelPacer(opts.paceMs ?? 1000, deps.store, log);
  const adapter = new SlackAdapter(deps, workspaces, pacer);
  const load = deps.config.load;
  const tasks = new TaskTracker({
    concurrency: opts.maxConcurrentWork ?? load.turnsConcurrency ?? (deps.db.kind === "pglite" ? 16 : 256),
    maxQueued: load.turnsQueue,
    perKey: load.turnsPerUser,
  });
  deps.metrics.queues.add(tasks.queue);
  const transport = opts.transport ?? (settings.mode === "socket" ? "socket" : "http");
  let http: HonoReceiver | undefined;
  let receiver: Receiver;
  if (transport === "socket") {
    if (!settings.appToken) throw new AppError("config_invalid", "Socket Mode needs SLACK_APP_TOKEN.");
    receiver = new SocketModeReceiver({
      appToken: settings.appToken,
      logger: slackLogger(log),
      // Socket Mode's own web client (apps.connections.open) honours the same base URL.
      installerOptions: {
        clientOptions: {
          slackApiUrl: settings.apiUrl,
          ...(opts.retryConfig ? { retryConfig: opts.retryConfig } : {}),
        },
      },
    });
  } else {
    if (!settings.signingSecret)
      throw new AppError("config_invalid", "Slack HTTP mode needs SLACK_SIGNING_SECRET.");
    http = new HonoReceiver(deps, settings.signingSecret, tasks, (turn) => resumeTurn(context, turn));
    receiver = http;
  }
  const app = new App({
    receiver,
    logger: slackLogger(log),
    clientOptions: clients.options,
    // No I/O here: Bolt authorizes before a command's ack, and a slow or dead Slack Web API (auth.test,
    // token refresh) must never hold an ack. Listeners resolve the workspace after acking; this only
    // passes on what is already known in memory.
    authorize: async (source) => {
      const ws = workspaces.cached(
        source.isEnterpriseInstall ? source.enterpriseId : (source.teamId ?? source.enterpriseId),
      );
      return {
        botToken: ws?.botToken,
        botUserId: ws?.botUserId,
        botId: ws?.botId,
        teamId: source.teamId,
        enterpriseId: source.enterpriseId,
      };
    },
  });
  app.error(async (err) => {
    log.error({ err, code: (err as { code?: string }).code }, "slack listener error");
  });
  const context: SlackContext = { deps, dispatcher, workspaces, adapter, pacer, tasks, log };
  adapter.onResume = (turn) => resumeTurn(context, turn);
  adapter.resumeRoom = () => tasks.queue.room();
  registerCommands(app, context);
  registerConversation(app, context);
  registerActions(app, context);
  registerEditModal(app, context);
  registerHome(app, context);
  registerLifecycle(app, context);
  return {
    app,
    adapter,
    receiver,
    http,
    context,
    mount(hono) {
      if (http) hono.route("/", http.routes());
      if (repo) hono.route("/", oauthRoutes(deps, settings, repo, clients));
    },
    start: async () => {
      if (transport === "socket") await app.start();
    },
    stop: async () => {
      if (transport === "socket") await app.stop();
      await tasks.idle();
    },
    idle: () => tasks.idle(),
  };
}
