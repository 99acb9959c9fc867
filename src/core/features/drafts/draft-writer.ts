import { z } from "zod";
import type { Deps } from "../../deps.js";
import { quoteData } from "../../infra/llm/index.js";
import { formatMoney } from "../../kernel/format.js";
import type { Actor } from "../auth/index.js";
import { checkFigures, checkOutput, collectComputed } from "../provenance/index.js";
import { getTenant } from "../tenancy/index.js";
import type { DraftWriter } from "./create.js";
import { type DraftLanguage, LANGUAGE_NAMES, localizedTemplate } from "./draft-templates.js";

const emailSchema = z.object({ subject: z.string().min(1), body: z.string().min(1) });
const messageSchema = z.object({ body: z.string().min(1), subject: z.string().optional() });

export interface DraftStyle {
  /** e.g. "friendly", "formal", "firm"; default "friendly". */
  tone?: string;
  language?: DraftLanguage;
}

export interface DraftAuthor {
  tenantId: string;
  userId?: string;
  senderName: string;
  companyName: string;
}

const str = (v: unknown, d = ""): string => (typeof v === "string" && v ? v : d);

/** Amounts in major units (the rows keep minor units), so "$41,250" is recognised as the deal value. */
function majorAmounts(s: Record<string, unknown>): number[] {
  return ["valueMinor", "amountMinor", "outstandingMinor", "paidMinor"]
    .map((k) => Number(s[k]))
    .filter(Number.isFinite)
    .map((v) => v / 100);
}

/** Which prompt drafts what: deals get follow-ups, invoices reminders; WhatsApp gets the short form. */
export function draftPromptFor(kind: "deal" | "invoice", channel: string | undefined): string {
  const chat = channel === "whatsapp";
  if (kind === "deal") return chat ? "draft.followup_whatsapp" : "draft.followup_email";
  return chat ? "draft.reminder_whatsapp" : "draft.reminder_email";
}

function variablesFor(
  kind: "deal" | "invoice",
  s: Record<string, unknown>,
  author: DraftAuthor,
  style: Required<DraftStyle>,
) {
  const common = {
    sender_name: author.senderName,
    company_name: author.companyName,
    tone: style.tone,
    language: LANGUAGE_NAMES[style.language],
  };
  // Names, stages and next steps are what people typed: the model gets them as quoted data.
  if (kind === "deal")
    return {
      ...common,
      recipient_name: quoteData("recipient", str(s.company, str(s.name))),
      deal_name: quoteData("deal", str(s.name)),
      // Internal: the writer may use it to choose what to ask; createDraft refuses text that quotes it.
      internal_context: quoteData(
        "internal_context",
        [
          s.stageName ? `Pipeline stage: ${str(s.stageName)} for ${String(s.daysInStage ?? "")} days.` : "",
          s.nextStep ? `Our internal next step: ${str(s.nextStep)}.` : "",
          s.expectedCloseOn ? `Expected close ${str(s.expectedCloseOn)}.` : "",
        ]
          .filter(Boolean)
          .join(" "),
      ),
    };
  return {
    ...common,
    recipient_name: quoteData("recipient", str(s.customer)),
    invoice_number: quoteData("invoice", str(s.number)),
    amount: formatMoney(Number(s.outstandingMinor ?? 0), str(s.currency, "USD")),
    due_on: str(s.dueOn),
    days_overdue: Number(s.daysOverdue ?? 0),
  };
}

/**
 * A DraftWriter that drafts with the model (follow-up email, reminder email or WhatsApp reminder, in
 * a tone and English or Arabic) and falls back to the template in the same language when no model
 * is configured, the call fails, only the offline provider answered, or the text states a figure
 * that is not in the deal or invoice record (logged).
 */
export function createLlmDraftWriter(author: DraftAuthor, styleIn: DraftStyle = {}): DraftWriter {
  const style = {
    tone: styleIn.tone ?? "friendly",
    language: styleIn.language ?? "en",
  } as Required<DraftStyle>;
  const write: DraftWriter = async (deps: Deps, input) => {
    const template = {
      ...localizedTemplate(input.kind, input.subject, style.language, input.fallback),
      promptVersion: `template:${style.language}`,
    };
    if (!deps.llm.hasModel()) return template;
    const promptId = draftPromptFor(input.kind, input.target?.channel);
    const variables = variablesFor(input.kind, input.subject, author, style);
    const log = deps.logger.child({ feature: "draft", promptId });
    try {
      const chat = promptId.endsWith("whatsapp");
      const req = {
        ctx: { tenantId: author.tenantId, userId: author.userId, feature: "draft" },
        promptId,
        variables,
        noCache: true,
      };
      const { value, meta } = chat
        ? await deps.llm.structured(messageSchema, req)
        : await deps.llm.structured(emailSchema, req);
      if (meta.provider === "offline") return template;
      const subject = value.subject ?? template.subject;
      // Figures only from the record's computed values (amounts, counts, dates), never its free text.
      const check = checkFigures(
        `${subject}\n${value.body}`,
        collectComputed(input.subject, majorAmounts(input.subject)),
      );
      if (!check.ok) {
        log.warn(
          {
            unsupported: check.unsupported.slice(0, 10),
            provenance: "violation",
            refusedPrompt: `${meta.promptId}@${meta.promptVersion}`,
          },
          "drafted text stated figures not in the record; using the template",
        );
        return template;
      }
      return { subject, body: value.body, promptVersion: `${meta.promptId}@${meta.promptVersion}` };
    } catch (err) {
      log.warn({ err }, "drafting by model failed; using the template");
      return template;
    }
  };
  // Customer-facing: links, contacts, mentions and instructions only as the sender's own details had
  // them. Checked on whatever text is used — a template quotes names people typed, too — and
  // flagged for the approver, never sent silently.
  return async (deps, input) => {
    const written = await write(deps, input);
    const findings = checkOutput(`${written.subject}\n${written.body}`, {
      allowedDomains: draftDomains(input.subject),
      customerFacing: true,
      slots: [author.senderName, author.companyName],
    });
    if (!findings.length) return written;
    deps.logger.warn(
      { feature: "draft", findings: findings.slice(0, 5), promptVersion: written.promptVersion },
      "drafted text failed an output check; flagged for the approver",
    );
    return { ...written, flags: findings.map((f) => `${f.flag}: ${f.detail}`) };
  };
}

/** Drafts link nowhere by default; a tenant may allow domains (settings.draftLinkDomains). */
function draftDomains(subject: Record<string, unknown>): string[] {
  const d = subject.draftLinkDomains;
  return Array.isArray(d) ? d.filter((x): x is string => typeof x === "string") : [];
}

/** The writer for drafts this person asks for: they are the sender, their company signs. */
export async function draftWriterFor(deps: Deps, actor: Actor, style: DraftStyle = {}): Promise<DraftWriter> {
  const tenant = await getTenant(deps.db, actor.tenantId);
  return createLlmDraftWriter(
    {
      tenantId: actor.tenantId,
      userId: actor.userId,
      senderName: actor.name,
      companyName: tenant?.name ?? "our company",
    },
    style,
  );
}
