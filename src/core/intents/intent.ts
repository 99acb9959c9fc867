import { z } from "zod";

/** Who sent an intent and where; adapters fill it from verified platform data only. */
export const originSchema = z.object({
  tenantId: z.uuid(),
  userId: z.uuid(),
  channel: z.enum(["console", "slack", "whatsapp", "http", "job"]),
  /** Channel-specific conversation address (Slack channel id, phone number, console session). */
  conversationId: z.string().min(1),
  threadId: z.string().optional(),
});
export type Origin = z.infer<typeof originSchema>;

const base = { origin: originSchema, idempotencyKey: z.string().min(1) };
const k = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.object({ kind: z.literal(kind), ...base, ...shape });

/**
 * Every request Keel understands, whatever channel it came from. Adapters build these (pure
 * `toIntent`), the dispatcher routes them by `kind`.
 */
export const intentSchema = z.discriminatedUnion("kind", [
  /** `lang`: the help word's language ("ayuda" → es), so the answer is in it. */
  k("help", { topic: z.string().optional(), lang: z.enum(["en", "es", "de", "ar"]).optional() }),
  k("coach.message", { text: z.string() }),
  k("unknown", { text: z.string(), suggestion: z.string().optional() }),
  k("usage.error", { command: z.string(), message: z.string() }),
  k("deals.list", {
    owner: z.string().optional(),
    stage: z.string().optional(),
    stuck: z.boolean().optional(),
  }),
  k("deal.show", { query: z.string().min(1) }),
  k("invoices.overdue", {}),
  /** "chase the overdue invoices": a batch of reminder drafts, biggest cash impact first. */
  k("collections.chase", { limit: z.number().int().positive().max(50).optional() }),
  k("draft.create", {
    query: z.string().min(1),
    tone: z.string().optional(),
    language: z.string().optional(),
    /** The user insisted ("anyway"): closed deals and paid invoices may be drafted. */
    force: z.boolean().optional(),
  }),
  /** `confirm`: send although the same subject got a message within the resend guard. */
  k("draft.approve", { draftRef: z.string().min(1), confirm: z.boolean().optional() }),
  k("draft.reject", { draftRef: z.string().min(1), reason: z.string().optional() }),
  k("draft.edit", { draftRef: z.string().min(1), body: z.string().optional() }),
  k("drafts.list", { status: z.string().optional() }),
  k("draft.history", { draftRef: z.string().min(1) }),
  /** `calibration`: learned stage settings waiting for the owner's approval. */
  k("calibration.show", {}),
  k("calibration.decide", {
    proposalRef: z.string().min(1).max(20),
    decision: z.enum(["approve", "reject"]),
  }),
  k("cashflow.forecast", {
    horizonDays: z.number().int().positive().optional(),
    bucket: z.enum(["week", "month"]).optional(),
    scenario: z.object({ deal: z.string(), slipDays: z.number().int() }).optional(),
    /** "the balance on …": a calendar phrase ("end of next month", "2027-01-31"), resolved by the handler. */
    on: z.string().min(1).max(80).optional(),
    /** `forecast cash_balance N`: the engine's weekly balances for N weeks. */
    weeks: z.number().int().positive().max(52).optional(),
  }),
  k("forecast.metric", { metric: z.string().min(1), horizon: z.number().int().positive().optional() }),
  k("optimize.plan", { problem: z.enum(["staffing", "inventory", "budget"]) }),
  k("insights.why", { metric: z.string().min(1), period: z.string().optional() }),
  k("goal.plan", { text: z.string() }),
  k("goal.accept", { goalRef: z.string().min(1) }),
  k("goals.list", {}),
  k("usage.show", { month: z.string().optional() }),
  k("digest.settings", {
    cadence: z.enum(["daily", "weekly", "off", "now"]),
    weekday: z.string().optional(),
    time: z.string().optional(),
    timezone: z.string().optional(),
  }),
  k("settings.role", { user: z.string().min(1), role: z.string().min(1) }),
  k("sources.show", {}),
  /** Import / Cancel on the preview of a file sent in chat (the pending import's id). */
  k("import.confirm", { importRef: z.uuid() }),
  k("import.cancel", { importRef: z.uuid() }),
  /** "What does this file hold?" when its header fits several kinds. */
  k("import.kind", {
    importRef: z.uuid(),
    importKind: z.enum(["contacts", "deals", "invoices", "payments", "metrics", "notes"]),
  }),
  /** An owner lets a chat account that wrote to Keel in (Slack "add as rep/viewer"). */
  k("member.admit", {
    channel: z.enum(["slack", "whatsapp"]),
    externalId: z.string().min(1).max(64),
    name: z.string().min(1).max(120),
    email: z.string().max(254).optional(),
    role: z.enum(["manager", "rep", "finance", "viewer"]),
  }),
  k("sync.status", { provider: z.string().optional() }),
]);

export type Intent = z.infer<typeof intentSchema>;
export type IntentKind = Intent["kind"];
export type IntentOf<K extends IntentKind> = Extract<Intent, { kind: K }>;
/** An intent's arguments without origin and key: what a parser or a button produces. */
export type IntentArgs = { [K in IntentKind]: Omit<IntentOf<K>, "origin" | "idempotencyKey"> }[IntentKind];

/**
 * The one way an adapter (or the registry routing a message) turns arguments into an intent. The cast
 * is here once: TypeScript cannot see that spreading one member of the union keeps it a member.
 */
export function makeIntent(args: IntentArgs, origin: Origin, idempotencyKey: string): Intent {
  return { ...args, origin, idempotencyKey } as Intent;
}
