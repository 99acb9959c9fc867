import { randomUUID } from "node:crypto";
import type { Deps } from "../../src/core/deps.js";
import { actorByEmail } from "../../src/core/features/tenancy/index.js";
import { createDispatcher } from "../../src/core/intents/dispatcher.js";
import type { Intent } from "../../src/core/intents/intent.js";
import { parseText } from "../../src/core/intents/parse.js";
import type { Reply } from "../../src/core/ports/reply.js";
import { registry } from "../../src/core/registry.js";

/**
 * A question typed by a person of the tenant (by e-mail) in the console, through the shared parser
 * and the real dispatcher, in a new conversation each time: the reply they would read.
 */
export async function askAs(d: Deps, tenantId: string, email: string, text: string): Promise<Reply> {
  const actor = await actorByEmail(d.db, tenantId, email);
  return createDispatcher(d, registry).dispatch({
    ...parseText(text),
    origin: { tenantId, userId: actor.userId, channel: "console", conversationId: randomUUID() },
    idempotencyKey: randomUUID(),
  } as Intent);
}
