import { z } from "zod";
import type { Deps } from "../../deps.js";
import { type Actor, dataScope, scopeKey } from "../auth/index.js";
import { findCustomers, type ParseOutcome, type Vocabulary } from "./parse.js";
import { type BusinessQuery, MEASURES, querySchema } from "./query.js";

/** Keys that must never appear anywhere in a model's JSON (prototype pollution). */
const POISON = new Set(["__proto__", "constructor", "prototype"]);
const SQLISH = /(;|--|\/\*|\b(select|insert|update|delete|drop|union|alter|grant|truncate)\b\s)/i;

function poisoned(v: unknown, depth = 0): boolean {
  if (depth > 8) return true;
  if (Array.isArray(v)) return v.some((x) => poisoned(x, depth + 1));
  if (v && typeof v === "object")
    return Object.keys(v).some(
      (k) => POISON.has(k) || poisoned((v as Record<string, unknown>)[k], depth + 1),
    );
  return false;
}

const answerSchema = z
  .object({
    kind: z.enum(["query", "clarify", "none"]),
    query: z.unknown().optional(),
    question: z.string().max(300).optional(),
    choices: z
      .array(z.object({ label: z.string().min(1).max(80), query: z.unknown() }).strict())
      .max(5)
      .optional(),
  })
  .strict();

export type ModelRejection =
  | "poisoned_keys"
  | "schema"
  | "unknown_owner"
  | "unknown_customer"
  | "unknown_metric"
  | "unknown_stage"
  | "sql_in_string";

/**
 * Checks a query the model wrote against the schema AND the tenant's vocabulary: only this tenant's
 * rep ids, customer names, stages and metric keys (another tenant's id, an invented customer, SQL in
 * a string are rejected, not executed). Returns the query or why it was refused.
 */
export function checkModelQuery(
  raw: unknown,
  v: Vocabulary,
): { ok: true; query: BusinessQuery } | { ok: false; reason: ModelRejection } {
  if (poisoned(raw)) return { ok: false, reason: "poisoned_keys" };
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "schema" };
  const q = parsed.data;
  const f = q.filters;
  for (const s of [f.customer, f.stage, q.metric])
    if (s && SQLISH.test(s)) return { ok: false, reason: "sql_in_string" };
  if (f.ownerId && !v.reps.some((r) => r.id === f.ownerId)) return { ok: false, reason: "unknown_owner" };
  if (f.dealId) return { ok: false, reason: "unknown_owner" };
  if (f.customer) {
    const hit = findCustomers(f.customer, v.customers);
    if (hit.length !== 1) return { ok: false, reason: "unknown_customer" };
    f.customer = hit[0]!;
  }
  if (f.stage && !v.stages.some((s) => s.toLowerCase() === f.stage!.toLowerCase()))
    return { ok: false, reason: "unknown_stage" };
  if (q.metric && !v.metrics.some((m) => m.key === q.metric)) return { ok: false, reason: "unknown_metric" };
  return { ok: true, query: q };
}

/**
 * The model's way in: it writes the typed query (structured output through the gateway), code checks
 * it (`checkModelQuery`) and runs it. Returns null when there is no model, the call failed, or the
 * answer was refused — the caller falls back to the offline parser. Nothing the model writes is ever
 * shown as a figure.
 */
export async function parseWithModel(
  deps: Deps,
  actor: Pick<Actor, "tenantId" | "userId" | "role">,
  text: string,
  v: Vocabulary,
  today: string,
): Promise<ParseOutcome | null> {
  if (!deps.llm.hasModel() || text.length > 2_000) return null;
  const log = deps.logger.child({ feature: "ask.model" });
  try {
    const res = await deps.llm.structured(z.unknown(), {
      ctx: { tenantId: actor.tenantId, userId: actor.userId, feature: "ask.query" },
      promptId: "ask.query",
      variables: {
        message: text,
        today,
        measures: MEASURES.join(", "),
        vocabulary: JSON.stringify({
          customers: v.customers.slice(0, 200),
          reps: v.reps.map((r) => ({ id: r.id, name: r.name })),
          stages: v.stages,
          metrics: v.metrics.map((m) => m.key),
        }),
      },
      routingText: text,
      // The vocabulary is filtered by role, and so is what the query may name.
      cacheScope: scopeKey(dataScope(actor)),
    });
    if (res.meta.provider === "offline") return null;
    if (poisoned(res.value)) {
      log.warn({ reason: "poisoned_keys" }, "model query refused");
      return null;
    }
    const a = answerSchema.safeParse(res.value);
    if (!a.success) {
      log.warn({ reason: "schema" }, "model query refused");
      return null;
    }
    if (a.data.kind === "none") return { kind: "none" };
    if (a.data.kind === "clarify") {
      const choices = (a.data.choices ?? []).flatMap((c) => {
        const ok = checkModelQuery(c.query, v);
        return ok.ok ? [{ label: c.label, query: ok.query }] : [];
      });
      if (choices.length < 2) return null;
      return { kind: "clarify", question: a.data.question ?? "Which one do you mean?", choices };
    }
    const checked = checkModelQuery(a.data.query, v);
    if (!checked.ok) {
      log.warn({ reason: checked.reason }, "model query refused");
      return null;
    }
    return { kind: "query", query: checked.query, confidence: 0.9 };
  } catch (err) {
    log.warn({ err }, "model query failed, using the offline parser");
    return null;
  }
}
