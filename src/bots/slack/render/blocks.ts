import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from "@slack/web-api";
import { chunkText } from "../../../core/kernel/render/chunk.js";
import type { Field, Reply } from "../../../core/ports/reply.js";
import { clip, SLACK_LIMITS } from "./limits.js";
import { escapeMrkdwn, markdownToMrkdwn } from "./mrkdwn.js";

/** One Slack message: blocks plus the text fallback Slack shows in notifications and old clients. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Button values, one per reply action, in order: server-side references, never the intent itself. */
  actionValues?: string[];
  /** Per-message text budget (default SLACK_LIMITS.messageTextBudget). */
  messageBudget?: number;
  /** Prefix of action block ids: a view showing several replies needs them unique (Slack rejects duplicates). */
  blockIdPrefix?: string;
}

export interface RenderedReply {
  messages: SlackMessage[];
  warnings: string[];
}

const section = (text: string): SectionBlock => ({ type: "section", text: { type: "mrkdwn", text } });
const fieldText = (f: Field) =>
  clip(`*${escapeMrkdwn(f.label)}*\n${markdownToMrkdwn(f.value)}`, SLACK_LIMITS.fieldText);

/** Fields in sections of at most 10, each section also within a share of the message budget. */
function fieldBlocks(fields: Field[], budget: number): SectionBlock[] {
  const max = Math.min(budget, SLACK_LIMITS.fieldText * 3);
  const out: SectionBlock[] = [];
  let group: string[] = [];
  let used = 0;
  for (const text of fields.map(fieldText)) {
    if (group.length && (group.length >= SLACK_LIMITS.fieldsPerSection || used + text.length > max)) {
      out.push({ type: "section", fields: group.map((t) => ({ type: "mrkdwn", text: t })) });
      group = [];
      used = 0;
    }
    group.push(text);
    used += text.length;
  }
  if (group.length) out.push({ type: "section", fields: group.map((t) => ({ type: "mrkdwn", text: t })) });
  return out;
}

/** The text a block shows (for budgets, the fallback, and tests). */
export function blockText(b: KnownBlock): string {
  if (b.type === "section")
    return [b.text?.text, ...(b.fields ?? []).map((f) => f.text)].filter(Boolean).join("\n");
  if (b.type === "context") return b.elements.map((e) => ("text" in e ? e.text : "")).join(" ");
  if (b.type === "header") return b.text.text;
  return "";
}

function textBlocks(mrkdwn: string, budget: number): SectionBlock[] {
  return chunkText(mrkdwn, Math.min(SLACK_LIMITS.sectionText, budget))
    .filter((t) => t.trim())
    .map(section);
}

/**
 * Renders a neutral Reply as Block Kit messages: text → mrkdwn sections (≤3,000 each), fields in
 * sections of 10, titled sections, sources as context, actions as buttons carrying references.
 * Packs blocks into messages within 50 blocks and the per-message text budget; buttons go last.
 * Images are uploaded by the adapter (they need files.uploadV2), so they only add a warning here
 * when there is nothing to upload. Never throws on size: it splits and reports warnings.
 */
export function renderReply(reply: Reply, opts: RenderOptions = {}): RenderedReply {
  const budget = opts.messageBudget ?? SLACK_LIMITS.messageTextBudget;
  const warnings: string[] = [];
  const body: KnownBlock[] = [];
  if (reply.text.trim()) body.push(...textBlocks(markdownToMrkdwn(reply.text), budget));
  if (reply.fields?.length) body.push(...fieldBlocks(reply.fields, budget));
  for (const s of reply.sections ?? []) {
    const head = s.title ? `*${escapeMrkdwn(s.title)}*` : "";
    const text = [head, s.text ? markdownToMrkdwn(s.text) : ""].filter(Boolean).join("\n");
    if (text) body.push(...textBlocks(text, budget));
    if (s.fields?.length) body.push(...fieldBlocks(s.fields, budget));
  }
  if (reply.image && !reply.image.pngBase64) {
    body.push({
      type: "context",
      elements: [
        { type: "mrkdwn", text: clip(`📈 ${escapeMrkdwn(reply.image.alt)}`, SLACK_LIMITS.fieldText) },
      ],
    });
  }
  if (reply.sources?.length) {
    const items = reply.sources.map((s) =>
      clip(`*${escapeMrkdwn(s.label)}:* ${escapeMrkdwn(s.detail)}`, SLACK_LIMITS.fieldText),
    );
    for (let i = 0; i < items.length; i += SLACK_LIMITS.contextElements) {
      body.push({
        type: "context",
        elements: items.slice(i, i + SLACK_LIMITS.contextElements).map((text) => ({ type: "mrkdwn", text })),
      } as ContextBlock);
    }
  }
  const actions = actionBlocks(reply, opts.actionValues ?? [], warnings, opts.blockIdPrefix ?? "keel");
  const messages = pack(body, actions, budget);
  if (messages.length > 1) warnings.push(`reply split into ${messages.length} messages`);
  return { messages, warnings };
}

function actionBlocks(reply: Reply, values: string[], warnings: string[], prefix: string): ActionsBlock[] {
  const list = reply.actions ?? [];
  if (!list.length) return [];
  if (values.length < list.length) warnings.push("actions without references were dropped");
  const buttons: Button[] = [];
  list.forEach((a, i) => {
    const value = values[i];
    if (!value) return;
    const b: Button = {
      type: "button",
      action_id: `keel:${a.id}:${i}`,
      text: { type: "plain_text", text: clip(a.label, SLACK_LIMITS.buttonText) },
      value,
    };
    if (a.style === "primary" || a.style === "danger") b.style = a.style;
    buttons.push(b);
  });
  const out: ActionsBlock[] = [];
  for (let i = 0; i < buttons.length; i += SLACK_LIMITS.actionsPerBlock) {
    out.push({
      type: "actions",
      block_id: `${prefix}-actions-${i / SLACK_LIMITS.actionsPerBlock}`,
      elements: buttons.slice(i, i + SLACK_LIMITS.actionsPerBlock),
    });
  }
  return out;
}

function pack(body: KnownBlock[], actions: ActionsBlock[], budget: number): SlackMessage[] {
  const messages: KnownBlock[][] = [[]];
  let used = 0;
  for (const b of body) {
    const len = blockText(b).length;
    const current = messages[messages.length - 1]!;
    if (current.length && (current.length >= SLACK_LIMITS.blocksPerMessage || used + len > budget)) {
      messages.push([b]);
      used = len;
    } else {
      current.push(b);
      used += len;
    }
  }
  for (const a of actions) {
    const current = messages[messages.length - 1]!;
    if (current.length >= SLACK_LIMITS.blocksPerMessage) messages.push([a]);
    else current.push(a);
  }
  return messages.map((blocks) => ({ blocks, text: fallbackText(blocks) }));
}

/** The message's `text`: always set, what notifications and screen readers show. */
function fallbackText(blocks: KnownBlock[]): string {
  const t = blocks.map(blockText).filter(Boolean).join("\n");
  return t || "(no text)";
}
