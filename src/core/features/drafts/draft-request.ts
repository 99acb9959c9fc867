import type { Deps } from "../../deps.js";
import type { Origin } from "../../intents/intent.js";
import type { Reply } from "../../ports/reply.js";
import type { Actor } from "../auth/index.js";
import { createDraft } from "./create.js";
import { type DraftLanguage, parseLanguage } from "./draft-templates.js";
import { draftWriterFor } from "./draft-writer.js";

const TONES = ["friendly", "formal", "firm", "casual", "polite", "warm", "direct"];

/**
 * Splits "Acme Logistics in arabic formal" into the subject query and style words. Explicit intent
 * arguments win over words in the text.
 */
export function parseDraftRequest(
  query: string,
  tone?: string,
  language?: string,
): { query: string; tone?: string; language: DraftLanguage } {
  let q = ` ${query.trim()} `;
  let lang = language ? parseLanguage(language) : undefined;
  let t = tone;
  const langRe = /\s(?:in\s+)?(arabic|english|عربي|بالعربي|بالعربية)\s/i;
  const lm = langRe.exec(q);
  if (lm) {
    lang ??= /english/i.test(lm[1]!) ? "en" : "ar";
    q = q.replace(langRe, " ");
  }
  const toneRe = new RegExp(`\\s(?:in\\s+a\\s+|,\\s*)?(${TONES.join("|")})(?:\\s+tone)?\\s`, "i");
  const tm = toneRe.exec(q);
  if (tm) {
    t ??= tm[1]!.toLowerCase();
    q = q.replace(toneRe, " ");
  }
  return { query: q.trim().replace(/\s+/g, " "), tone: t, language: lang ?? "en" };
}

/** `remind DEAL|INVOICE [in arabic] [formal]`: drafts with the model (or the template) for approval. */
export async function draftCreateReply(
  deps: Deps,
  actor: Actor,
  origin: Origin,
  args: { query: string; tone?: string; language?: string; force?: boolean },
): Promise<Reply> {
  const req = parseDraftRequest(args.query, args.tone, args.language);
  const writer = await draftWriterFor(deps, actor, { tone: req.tone, language: req.language });
  return createDraft(
    deps,
    actor,
    req.query || args.query,
    { channel: origin.channel, address: origin.conversationId, threadId: origin.threadId },
    writer,
    { force: args.force, via: origin.channel },
  );
}
