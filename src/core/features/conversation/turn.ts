import type { Intent, IntentArgs } from "../../intents/intent.js";
import type { Reply } from "../../ports/reply.js";
import { guessLanguage, type Lang } from "../ask/index.js";
import type { ConversationState, Entity, PendingChoice } from "./state.js";

const MAX_ENTITIES = 10;
const TYPES: ReadonlySet<string> = new Set(["deal", "customer", "owner", "draft", "invoice"]);

const isEntity = (e: unknown): e is Entity =>
  typeof e === "object" &&
  e !== null &&
  TYPES.has(String((e as Entity).type)) &&
  typeof (e as Entity).id === "string" &&
  typeof (e as Entity).name === "string";

/** The entities a reply showed, read from its typed metadata (ask rows, a deal, a draft, a list). */
export function entitiesOf(reply: Reply): Entity[] | undefined {
  const m = (reply.meta ?? {}) as Record<string, unknown>;
  if (Array.isArray(m.entities)) {
    const list = m.entities.filter(isEntity);
    if (list.length) return list.slice(0, MAX_ENTITIES);
  }
  if (typeof m.draftId === "string")
    return [
      { type: "draft", id: m.draftId, name: typeof m.draftSeq === "number" ? `#${m.draftSeq}` : m.draftId },
    ];
  if (typeof m.dealId === "string") return [{ type: "deal", id: m.dealId, name: m.dealId }];
  if (Array.isArray(m.dealIds) && m.dealIds.length)
    return m.dealIds
      .filter((x): x is string => typeof x === "string")
      .slice(0, MAX_ENTITIES)
      .map((id) => ({ type: "deal", id, name: id }));
  if (Array.isArray(m.invoiceNumbers) && m.invoiceNumbers.length)
    return m.invoiceNumbers
      .filter((x): x is string => typeof x === "string")
      .slice(0, MAX_ENTITIES)
      .map((n) => ({ type: "invoice", id: n, name: n }));
  return undefined;
}

/** What choosing an entity from a list means: a deal's card, a customer's overview, an invoice's reminder. */
export function entityIntent(e: Entity): IntentArgs | null {
  switch (e.type) {
    case "deal":
      return { kind: "deal.show", query: e.id };
    case "customer":
      return { kind: "coach.message", text: `what's going on with ${e.name}?` };
    case "invoice":
      return { kind: "draft.create", query: e.id };
    default:
      return null;
  }
}

/** The language of a typed message (unchanged when it has no words to tell by, e.g. "2"). */
function languageOf(intent: Intent, prev: string | undefined): string | undefined {
  if (intent.kind !== "coach.message" || typeof intent.text !== "string") return prev;
  const g = guessLanguage(intent.text, (prev as Lang | undefined) ?? "en");
  return g === "en" && !prev ? undefined : g;
}

/**
 * The state after a turn: the reply's buttons (or, without buttons, the rows it listed) become the
 * numbered choices; its entities replace the previous ones when it showed any; an answered business
 * query becomes the one "and last month?" re-runs.
 */
export function nextState(prev: ConversationState, intent: Intent, reply: Reply): ConversationState {
  const m = (reply.meta ?? {}) as Record<string, unknown>;
  const entities = entitiesOf(reply);
  let pending: PendingChoice[] = (reply.actions ?? []).map((a) => ({ label: a.label, intent: a.intent }));
  if (!pending.length && entities && entities.length > 1)
    pending = entities.flatMap((e) => {
      const i = entityIntent(e);
      return i ? [{ label: e.name, intent: i }] : [];
    });
  const lastQuery =
    m.intent === "ask" && typeof m.query === "object" && m.query !== null
      ? (m.query as Record<string, unknown>)
      : prev.lastQuery;
  // A draft joins what was being discussed ("approve it", then "remind them" still means the customer).
  const merged = entities?.every((e) => e.type === "draft")
    ? [...entities, ...prev.entities.filter((e) => e.type !== "draft")].slice(0, MAX_ENTITIES)
    : entities;
  // The language of the turn: what an answer said it was written in, else what the person wrote.
  const lang = typeof m.lang === "string" ? m.lang : languageOf(intent, prev.lang);
  return { lastQuery, entities: merged ?? prev.entities, pending, ...(lang ? { lang } : {}) };
}
