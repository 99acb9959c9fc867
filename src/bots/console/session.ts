import { randomUUID } from "node:crypto";
import type { Actor } from "../../core/features/auth/index.js";
import type { Dispatcher } from "../../core/intents/dispatcher.js";
import { type Intent, makeIntent } from "../../core/intents/intent.js";
import type { Reply } from "../../core/ports/reply.js";
import { type ConsoleState, consoleToIntent } from "./to-intent.js";

/** One console conversation: keeps what was on screen so numbers map back to actions. */
export class ConsoleSession {
  readonly state: ConsoleState = { lastActions: [] };
  readonly conversationId: string;
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly actor: Actor,
    conversationId?: string,
  ) {
    this.conversationId = conversationId ?? `console:${actor.email}`;
  }

  async handle(line: string): Promise<{ intent: Intent; reply: Reply }> {
    const args = consoleToIntent(line, this.state);
    const intent = makeIntent(
      args,
      {
        tenantId: this.actor.tenantId,
        userId: this.actor.userId,
        channel: "console",
        conversationId: this.conversationId,
      },
      randomUUID(),
    );
    const reply = await this.dispatcher.dispatch(intent);
    this.state.awaitingEditFor = reply.outcome?.kind === "awaiting-edit" ? reply.outcome.draftId : undefined;
    this.state.lastActions = reply.actions ?? [];
    return { intent, reply };
  }
}
