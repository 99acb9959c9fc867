import type { Deps } from "../../core/deps.js";
import type { Actor } from "../../core/features/auth/index.js";
import type { Logger } from "../../core/infra/logger.js";
import type { Dispatcher } from "../../core/intents/dispatcher.js";
import { type Intent, type IntentArgs, makeIntent } from "../../core/intents/intent.js";
import type { SlackAdapter } from "./adapter.js";
import type { ChannelPacer } from "./pacer.js";
import type { TaskTracker } from "./tasks.js";
import type { Workspaces } from "./workspaces.js";

/** What every Slack listener receives: one args object, built once by the runtime. */
export interface SlackContext {
  deps: Deps;
  dispatcher: Dispatcher;
  workspaces: Workspaces;
  adapter: SlackAdapter;
  pacer: ChannelPacer;
  tasks: TaskTracker;
  log: Logger;
}

/** Team key Bolt authorised the event for: the enterprise for org-wide installs, else the team. */
export function teamKeyOf(context: {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}): string | undefined {
  return context.isEnterpriseInstall ? context.enterpriseId : (context.teamId ?? context.enterpriseId);
}

/** Intent arguments + verified origin → a full intent. */
export function toIntent(
  args: IntentArgs,
  actor: Actor,
  conversationId: string,
  idempotencyKey: string,
  threadId?: string,
): Intent {
  return makeIntent(
    args,
    {
      tenantId: actor.tenantId,
      userId: actor.userId,
      channel: "slack",
      conversationId,
      ...(threadId ? { threadId } : {}),
    },
    idempotencyKey,
  );
}

/** Slack error code (platform errors) for logs; never the request or message text. */
export function slackCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.data?.error ?? e?.code;
}

/**
 * Yields to the event loop after an ack so the HTTP answer is written before any slow work starts
 * on this request (database lookups, the dispatcher): the ack never waits behind them.
 */
export function afterAck(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
