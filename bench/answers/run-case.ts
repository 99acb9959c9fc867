import { randomUUID } from "node:crypto";
import type { Deps } from "../../src/core/deps.js";
import { localToday } from "../../src/core/features/ask/index.js";
import { actorByEmail, getTenant } from "../../src/core/features/tenancy/index.js";
import { createDispatcher } from "../../src/core/intents/dispatcher.js";
import type { Intent } from "../../src/core/intents/intent.js";
import { parseText } from "../../src/core/intents/parse.js";
import { registry } from "../../src/core/registry.js";
import type { Case, Expected } from "./cases.js";

export type Verdict = "correct" | "wrong" | "clarifying" | "unanswered";

/** Asks one labelled question through the real dispatcher and grades the reply against SQL. */
export async function runCase(
  deps: Deps,
  tenantId: string,
  c: Case & { before?: string[] },
): Promise<{
  verdict: Verdict;
  expected: Expected;
  got: string;
  ms: number;
  /** The whole reply text, and who worded it (model or template) when a model is configured. */
  text: string;
  phrasedBy?: string;
  /** Why the model's wording was not used. */
  refused?: string;
}> {
  const actor = await actorByEmail(deps.db, tenantId, c.who);
  const tenant = await getTenant(deps.db, tenantId);
  const today = localToday(deps.clock.now(), tenant?.timezone ?? "UTC");
  const expected = await deps.db.tenantTx(tenantId, (tx) => c.expect(tx, today));
  const dispatcher = createDispatcher(deps, registry);
  const conversationId = `bench-${randomUUID()}`;
  const send = (text: string) =>
    dispatcher.dispatch({
      ...parseText(text),
      origin: { tenantId, userId: actor.userId, channel: "console", conversationId },
      idempotencyKey: randomUUID(),
    } as Intent);
  // Follow-ups: the earlier messages go first in the same conversation (not timed).
  for (const b of c.before ?? []) await send(b);
  const started = performance.now();
  const reply = await send(c.q);
  const ms = performance.now() - started;
  const meta = (reply.meta ?? {}) as Record<string, unknown>;
  const rows = (meta.rows as { label: string }[] | undefined) ?? [];
  const got = reply.text.split("\n")[0]!.slice(0, 120);
  let verdict: Verdict = "unanswered";
  if (meta.outcome === "clarify") verdict = "clarifying";
  else if (expected.kind === "forbidden")
    verdict =
      meta.error === "forbidden" || (reply.outcome?.kind === "error" && reply.outcome.code === "forbidden")
        ? "correct"
        : meta.intent === "ask"
          ? "wrong"
          : "unanswered";
  else if (expected.kind === "not_understood")
    verdict = meta.outcome === "not_understood" ? "correct" : "unanswered";
  else if (meta.intent === "ask" && expected.kind === "figure" && "figure" in meta)
    verdict = meta.figure === expected.value ? "correct" : "wrong";
  else if (meta.intent === "ask" && expected.kind === "first" && rows.length)
    verdict = rows[0]!.label === expected.label ? "correct" : "wrong";
  else if (meta.intent === "ask") verdict = "wrong";
  return {
    verdict,
    expected,
    got,
    ms,
    text: reply.text,
    ...(typeof meta.phrasedBy === "string" ? { phrasedBy: meta.phrasedBy } : {}),
    ...(typeof meta.phraseRefused === "string" ? { refused: meta.phraseRefused } : {}),
  };
}
