import { z } from "zod";
import { BSUID_RE, toE164 } from "../phone.js";
import type { InboundContent, InboundMessage } from "../to-intent.js";

const message = z.looseObject({
  /** The sender's phone digits; absent for username users whose number Meta withholds (2026). */
  from: z.string().optional(),
  /** The sender's business-scoped user id (BSUID), e.g. "BR.1502576394655843". */
  from_user_id: z.string().optional(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  document: z
    .looseObject({ id: z.string(), filename: z.string().optional(), mime_type: z.string().optional() })
    .optional(),
});

const status = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional() })).optional(),
});

/** The `messages` webhook (object whatsapp_business_account), the parts Keel reads. */
export const webhookSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.looseObject({
            metadata: z.looseObject({ phone_number_id: z.string() }).optional(),
            // Parsed one by one below: one message Keel cannot read never drops the others.
            messages: z.array(z.unknown()).optional(),
            statuses: z.array(z.unknown()).optional(),
          }),
        }),
      ),
    }),
  ),
});

export interface StatusUpdate {
  account: string;
  messageId: string;
  status: string;
  at: Date;
  errorCode?: number;
  errorTitle?: string;
}

/** Message types the bot ignores silently (not a request from the user). */
const SILENT = new Set(["reaction", "system", "ephemeral", "request_welcome"]);

function content(m: z.infer<typeof message>): InboundContent | null {
  if (m.type === "text" && m.text) return { type: "text", text: m.text.body };
  if (m.type === "interactive") {
    const r = m.interactive?.button_reply ?? m.interactive?.list_reply;
    if (r) return { type: "button", ref: r.id, title: r.title };
  }
  if (m.type === "button" && m.button) {
    return m.button.payload
      ? { type: "button", ref: m.button.payload, title: m.button.text }
      : { type: "text", text: m.button.text ?? "" };
  }
  if (m.type === "document" && m.document)
    return {
      type: "document",
      mediaId: m.document.id,
      fileName: m.document.filename || "file",
      mimeType: m.document.mime_type,
    };
  if (SILENT.has(m.type)) return null;
  return { type: "unsupported", what: m.type === "unsupported" ? "this kind of" : m.type };
}

/** The sender as Keel addresses them: E.164 when Meta shares the number, else the BSUID. */
function sender(m: z.infer<typeof message>): string | null {
  const phone = m.from ? toE164(m.from) : null;
  if (phone) return phone;
  return m.from_user_id && BSUID_RE.test(m.from_user_id) ? m.from_user_id : null;
}

/**
 * Pure: a verified webhook body → inbound messages, delivery status updates and how many entries
 * could not be read (each message and status is parsed on its own). Null if it is not a WhatsApp
 * webhook at all.
 */
export function parseWebhook(
  body: unknown,
): { messages: InboundMessage[]; statuses: StatusUpdate[]; skipped: number } | null {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success || parsed.data.object !== "whatsapp_business_account") return null;
  const messages: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  let skipped = 0;
  for (const e of parsed.data.entry)
    for (const ch of e.changes) {
      const account = ch.value.metadata?.phone_number_id;
      if (ch.field !== "messages" || !account) continue;
      for (const raw of ch.value.messages ?? []) {
        const one = message.safeParse(raw);
        const from = one.success ? sender(one.data) : null;
        if (!one.success || !from) {
          skipped++;
          continue;
        }
        const m = one.data;
        const c = content(m);
        if (c)
          messages.push({
            account,
            from,
            messageId: m.id,
            at: new Date(Number(m.timestamp) * 1000),
            content: c,
          });
      }
      for (const raw of ch.value.statuses ?? []) {
        const one = status.safeParse(raw);
        if (!one.success) {
          skipped++;
          continue;
        }
        const s = one.data;
        statuses.push({
          account,
          messageId: s.id,
          status: s.status,
          at: new Date(Number(s.timestamp) * 1000),
          errorCode: s.errors?.[0]?.code,
          errorTitle: s.errors?.[0]?.title,
        });
      }
    }
  return { messages, statuses, skipped };
}
