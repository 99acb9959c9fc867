import { and, eq, lt } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { setupConversations } from "../../infra/db/schema/index.js";
import { bold, code, escapeMarkdown } from "../../kernel/markdown/index.js";
import { plural } from "../../kernel/text.js";
import { type Reply, textReply } from "../../ports/reply.js";
import {
  createCompany,
  freeSlug,
  PIPELINE_TEMPLATES,
  readSetupAnswer,
  SETUP_PROMPTS,
  type SetupField,
  slugOf,
  templateChoices,
} from "../company/index.js";

/**
 * The guided set-up in chat (Slack install, unknown WhatsApp number on an operator-enabled number):
 * the same questions and answer rules as `keel setup`, one per message, with the state in the
 * database so a restart loses nothing. Ends in `createCompany`, the one set-up use case.
 */

/** The questions the chat asks, in order; the slug comes from the company name. */
export const CHAT_STEPS = ["company", "currency", "timezone", "pipeline", "owner"] as const;
type Step = (typeof CHAT_STEPS)[number];

/** How long an unanswered set-up waits before it is forgotten. */
export const SETUP_TTL_MS = 24 * 3_600_000;

/** Who is answering: the conversation key, and where the company lands. */
export interface SetupKey {
  channel: "slack" | "whatsapp";
  /** Slack "TEAM:USER", WhatsApp E.164. */
  address: string;
}

export interface SetupOrigin extends SetupKey {
  /** The chat account answering; linked to the owner at the end. */
  externalId: string;
  /** Complete this (empty, install-made) tenant rather than creating one. */
  targetTenant?: string;
}

/** "cancel" / "stop" in the languages owners write in; a trailing "please" or "!" is fine. */
const CANCEL =
  /^(cancel|stop|abort|quit|exit|never ?mind|abbrechen|abbruch|stopp|halt|annuler|arr[eê]te[rz]?|cancelar|parar?|detener|annulla|basta|ferma|stoppa|avbryt|anuleren|stoppen|afbreken|anuluj|zatrzymaj|cancela|отмена|стоп|キャンセル|取消|停止)( (it|that|please|bitte|por favor|s'il (te|vous) pla[iî]t))?[.!]*$/i;
const RESTART =
  /^(restart|start (over|again)|von vorne|neu ?starten|recommencer|reiniciar|empezar de nuevo|ricominciare)[.!]*$/i;
/** A greeting is not an answer ("hi" is nobody's company name): the question is asked again. */
const GREETING =
  /^(hi|hello|hey|hallo|hola|bonjour|salut|ciao|moin|servus|hej|ol[aá]|yo|good (morning|afternoon|evening)|guten (morgen|tag)|buenos d[ií]as)( there| keel)?[!.,\s]*$/i;
const YES = /^(y|yes|yeah|yep|sure|ok|okay|correct|right|ja|jawohl|si|sí|oui|sim|tak|да)[.!]*$/i;

/** "Stop, please!" → "stop please": punctuation never decides whether someone wants out. */
const bare = (text: string) =>
  text
    .replace(/[.,!?;:¡¿]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
export const isCancel = (text: string) => CANCEL.test(bare(text));

function question(step: Step): string {
  return step === "pipeline" ? `${SETUP_PROMPTS.pipeline}\n${templateChoices()}` : SETUP_PROMPTS[step];
}

function progress(step: Step): string {
  return `(${CHAT_STEPS.indexOf(step) + 1}/${CHAT_STEPS.length})`;
}

type Row = typeof setupConversations.$inferSelect;

async function load(deps: Deps, key: SetupKey): Promise<Row | undefined> {
  const now = deps.clock.now();
  // Expired set-ups are forgotten the first time anyone looks.
  await deps.db.orm
    .delete(setupConversations)
    .where(
      and(
        eq(setupConversations.channel, key.channel),
        eq(setupConversations.address, key.address),
        lt(setupConversations.expiresAt, now),
      ),
    );
  const [row] = await deps.db.orm
    .select()
    .from(setupConversations)
    .where(and(eq(setupConversations.channel, key.channel), eq(setupConversations.address, key.address)))
    .limit(1);
  return row;
}

async function save(
  deps: Deps,
  o: SetupOrigin,
  step: Step,
  answers: Record<string, string>,
  suggestion: string | null,
): Promise<void> {
  const now = deps.clock.now();
  const values = {
    channel: o.channel,
    address: o.address,
    targetTenant: o.targetTenant ?? null,
    step,
    answers,
    suggestion,
    expiresAt: new Date(now.getTime() + SETUP_TTL_MS),
    updatedAt: now,
  };
  await deps.db.orm
    .insert(setupConversations)
    .values(values)
    .onConflictDoUpdate({
      target: [setupConversations.channel, setupConversations.address],
      set: { step, answers, suggestion, expiresAt: values.expiresAt, updatedAt: now },
    });
}

async function forget(deps: Deps, key: SetupKey): Promise<void> {
  await deps.db.orm
    .delete(setupConversations)
    .where(and(eq(setupConversations.channel, key.channel), eq(setupConversations.address, key.address)));
}

/** Whether this person is in the middle of a set-up (not expired). */
export async function setupInProgress(deps: Deps, key: SetupKey): Promise<boolean> {
  return (await load(deps, key)) !== undefined;
}

/** Starts (or restarts) a set-up and returns the greeting with the first question. */
export async function startChatSetup(deps: Deps, o: SetupOrigin, greeting?: string): Promise<Reply> {
  await save(deps, o, "company", {}, null);
  deps.logger.info({ channel: o.channel, target: Boolean(o.targetTenant) }, "chat set-up started");
  const hello =
    greeting ??
    "Hi, I'm Keel, your business coach. Let's set up your company — five short questions. Reply \"cancel\" at any time to stop.";
  return textReply(`${hello}\n\n${progress("company")} ${question("company")}`);
}

/**
 * Reads one answer of a running set-up. Undefined when this person has no set-up going (the
 * message is then an ordinary one). A bad answer is re-asked with what to type instead.
 */
export async function continueChatSetup(
  deps: Deps,
  o: SetupOrigin,
  rawText: string,
): Promise<Reply | undefined> {
  const row = await load(deps, o);
  if (!row) return undefined;
  const text = rawText.trim();
  const origin: SetupOrigin = { ...o, targetTenant: row.targetTenant ?? o.targetTenant };
  const log = deps.logger.child({ channel: o.channel, step: row.step });
  if (isCancel(text)) {
    await forget(deps, o);
    log.info("chat set-up cancelled");
    return textReply(
      origin.targetTenant
        ? "Set-up cancelled; nothing was changed. Write “set up” whenever you want to start again."
        : "Set-up cancelled; nothing was created. Write to me again whenever you want to start over.",
    );
  }
  if (RESTART.test(bare(text))) return startChatSetup(deps, origin, "Starting over.");
  const step = (CHAT_STEPS as readonly string[]).includes(row.step) ? (row.step as Step) : "company";
  if (GREETING.test(text) || text === "")
    return textReply(`Hello! ${progress(step)} ${question(step)}  (Reply "cancel" to stop.)`);
  const answers = { ...row.answers };
  const read =
    row.suggestion && YES.test(text)
      ? { ok: true as const, value: row.suggestion }
      : readSetupAnswer(step as SetupField, text);
  if (!read.ok) {
    await save(deps, origin, step, answers, read.suggestion ?? null);
    log.info("chat set-up answer re-asked");
    return textReply(`${read.message}\n\n${progress(step)} ${question(step)}`);
  }
  answers[step] = read.value;
  const next = CHAT_STEPS[CHAT_STEPS.indexOf(step) + 1];
  if (next) {
    await save(deps, origin, next, answers, null);
    return textReply(`${ack(step, read.value)}\n\n${progress(next)} ${question(next)}`);
  }
  return finish(deps, origin, answers);
}

function ack(step: Step, value: string): string {
  switch (step) {
    case "company":
      return `Nice to meet ${escapeMarkdown(value)}.`;
    case "currency":
      return `Amounts in ${value}.`;
    case "timezone":
      return `Time zone ${value}.`;
    case "pipeline":
      return `Pipeline: ${PIPELINE_TEMPLATES[value]?.title ?? value}.`;
    default:
      return "Got it.";
  }
}

async function finish(deps: Deps, o: SetupOrigin, a: Record<string, string>): Promise<Reply> {
  const slug = await freeSlug(deps, slugOf(a.company ?? "") || "company");
  const made = await createCompany(
    deps,
    {
      company: a.company ?? "",
      slug,
      currency: a.currency ?? "USD",
      timezone: a.timezone ?? "UTC",
      owner: a.owner ?? "",
      pipeline: a.pipeline,
    },
    {
      tenantId: o.targetTenant,
      identity: { channel: o.channel, externalId: o.externalId },
      channelLink:
        o.channel === "whatsapp" ? { channel: "whatsapp-contact", externalId: o.externalId } : undefined,
    },
  );
  await forget(deps, o);
  const { tenant, template } = made;
  return textReply(
    `✅ ${bold(tenant.name)} is set up: ${tenant.currency}, ${tenant.timezone}, pipeline “${escapeMarkdown(template.pipelineName)}” ` +
      `with ${plural(template.stages.length, "stage")}. You (${escapeMarkdown(made.owner.email)}) are the owner.\n\n` +
      `Next: send me a CSV file of your deals, contacts or invoices and I'll show what it would import. ` +
      `Then try ${code("deals")} or ${code("help")}. Slug for the command line: ${code(tenant.slug)}.`,
  );
}
