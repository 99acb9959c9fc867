import { z } from "@hono/zod-openapi";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../../core/features/api/index.js";

/**
 * Request and response shapes. Item fields are typed loosely on purpose (a string or a number where a
 * CSV cell would be): the rules — real dates, no negative amounts, due ≥ issued, known stage — are the
 * import rules, applied by the same code as `keel import`, and every problem comes back at once.
 */
const amount = z
  .union([z.string(), z.number()])
  .openapi({ description: "Amount in major units, 0 or more, at most 2 decimals", example: "1250.00" });
const day = z.string().openapi({ description: "A calendar date YYYY-MM-DD", example: "2026-01-31" });
const text = (max: number, example?: string) =>
  z.string().openapi({ description: `At most ${max} characters`, ...(example ? { example } : {}) });
const clearable = <T extends z.ZodType>(t: T) => t.nullable().optional();

export const ContactItem = z
  .strictObject({
    external_id: text(200, "crm-42").optional(),
    name: text(200, "Ada Lovelace").optional(),
    company: clearable(text(200, "Analytical Engines")),
    email: clearable(z.string().openapi({ example: "ada@example.com" })),
    phone: clearable(text(40)),
  })
  .openapi("ContactItem");

export const DealItem = z
  .strictObject({
    external_id: text(200, "pd-1001").optional(),
    name: text(200, "Big Order").optional(),
    stage: z
      .string()
      .optional()
      .openapi({ description: "A stage name of the pipeline", example: "Proposal" }),
    value: amount.optional(),
    company: clearable(text(200)),
    currency: z.string().optional().openapi({ example: "EUR" }),
    owner_email: clearable(z.string().openapi({ example: "sam@example.com" })),
    status: z.enum(["open", "won", "lost"]).optional(),
    stage_entered_on: day.optional(),
    expected_close_on: clearable(day),
    next_step: clearable(text(1000)),
    payment_terms_days: clearable(z.union([z.string(), z.number()])),
  })
  .openapi("DealItem");

export const InvoiceItem = z
  .strictObject({
    external_id: text(200).optional(),
    number: text(60, "INV-2026-001").optional(),
    customer: text(200, "Acme Logistics").optional(),
    issued_on: day.optional(),
    due_on: day.optional(),
    amount: amount.optional(),
    currency: z.string().optional(),
    status: z.enum(["open", "void"]).optional(),
  })
  .openapi("InvoiceItem");

export const PaymentItem = z
  .strictObject({
    external_id: text(200).optional(),
    invoice_number: text(60, "INV-2026-001").optional(),
    paid_on: day.optional(),
    amount: amount.optional(),
    overpayment: z.boolean().optional().openapi({ description: "Allow more than the open balance" }),
  })
  .openapi("PaymentItem");

export const MetricItem = z
  .strictObject({
    metric: z.string().optional().openapi({ example: "website_sessions" }),
    date: day.optional(),
    value: z.union([z.string(), z.number()]).optional().openapi({ example: 1250 }),
    unit: text(20).optional(),
  })
  .openapi("MetricItem");

export const NoteBody = z
  .strictObject({
    body: text(10_000, "Called: PO expected Friday").optional(),
    external_id: text(200).optional(),
    created_on: day.optional(),
  })
  .openapi("NoteBody");

export const StageMoveBody = z
  .strictObject({
    stage: z.string().min(1).openapi({ example: "Negotiation" }),
    entered_on: day.optional(),
  })
  .openapi("StageMoveBody");

export const bulkBody = <T extends z.ZodType>(item: T, name: string) =>
  z
    .strictObject({
      items: z.array(item).min(1).max(1000),
      dry_run: z.boolean().optional().openapi({ description: "Check and count, write nothing" }),
    })
    .openapi(name);

export const WriteReport = z
  .object({
    dry_run: z.boolean(),
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    fields: z
      .record(z.string(), z.number().int())
      .openapi({ description: "How many rows changed each field" }),
  })
  .openapi("WriteReport");

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          detail: z.string(),
          pointer: z.string().optional(),
          parameter: z.string().optional(),
          value: z.string().optional(),
        }),
      )
      .optional(),
  })
  .openapi("Problem");

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({ param: { name: "limit", in: "query" }, example: 50 }),
  cursor: z
    .string()
    .max(500)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page" }),
});

export const IdParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: "id", in: "path" } }),
});

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);

export const Contact = z
  .object({
    id: z.string(),
    external_id: z.string().nullable(),
    name: z.string(),
    company: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    created_at: z.string().nullable(),
  })
  .openapi("Contact");

export const Deal = z
  .object({
    id: z.string(),
    external_id: z.string().nullable(),
    name: z.string(),
    company: z.string().nullable(),
    stage: z.string(),
    value: z.string(),
    currency: z.string(),
    status: z.string(),
    owner_email: z.string().nullable(),
    stage_entered_on: z.string(),
    expected_close_on: z.string().nullable(),
    next_step: z.string().nullable(),
    payment_terms_days: z.number().int().nullable(),
    updated_at: z.string().nullable(),
  })
  .openapi("Deal");

export const Note = z
  .object({
    id: z.string(),
    external_id: z.string().nullable(),
    body: z.string(),
    author_email: z.string().nullable(),
    created_at: z.string().nullable(),
  })
  .openapi("Note");

export const Invoice = z
  .object({
    id: z.string(),
    external_id: z.string().nullable(),
    number: z.string(),
    customer: z.string(),
    issued_on: z.string(),
    due_on: z.string(),
    amount: z.string(),
    paid_amount: z.string(),
    open_balance: z.string(),
    currency: z.string(),
    status: z.string(),
  })
  .openapi("Invoice");

export const Payment = z
  .object({
    id: z.string(),
    external_id: z.string().nullable(),
    invoice_number: z.string(),
    paid_on: z.string(),
    amount: z.string(),
  })
  .openapi("Payment");

export const MetricPoint = z
  .object({ metric: z.string(), date: z.string(), value: z.number(), unit: z.string() })
  .openapi("MetricPoint");

export const Draft = z
  .object({
    id: z.string(),
    number: z.number().int(),
    kind: z.string(),
    status: z.string(),
    subject_type: z.string(),
    subject_id: z.string().nullable(),
    subject: z.string().nullable(),
    body: z.string(),
    channel: z.string(),
    amount: z.string().nullable(),
    currency: z.string().nullable(),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    can_approve: z.boolean(),
    can_reject: z.boolean(),
  })
  .openapi("Draft");

export const Decision = z.object({ draft: Draft, message: z.string() }).openapi("Decision");

export const CashOn = z
  .object({
    on: z.string(),
    currency: z.string(),
    kind: z.enum(["balance", "net_change"]),
    p10_minor: z.number().nullable(),
    p50_minor: z.number().nullable(),
    p90_minor: z.number().nullable(),
    probability_negative: z.number().nullable(),
    cash_runway: z.unknown(),
    expected_runway: z.unknown(),
    drivers: z.unknown(),
  })
  .openapi("CashOn");

export const Forecast = z
  .object({
    metric: z.string(),
    model: z.string(),
    horizon: z.number().int(),
    points: z.array(
      z.object({
        step: z.number().int(),
        value: z.number(),
        lower80: z.number().nullable(),
        upper80: z.number().nullable(),
        lower95: z.number().nullable(),
        upper95: z.number().nullable(),
      }),
    ),
    summary: z.string(),
  })
  .openapi("Forecast");

const UsageLine = z.object({
  key: z.string(),
  calls: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  costMicros: z.number(),
});
export const Usage = z
  .object({
    month: z.string(),
    totals: UsageLine.extend({
      cacheHits: z.number(),
      errors: z.number(),
      savedMicros: z.number().openapi({ description: "What cache hits avoided paying, micro-dollars" }),
      cacheHitRate: z.number().openapi({ description: "Cache hits ÷ (cache hits + model answers), 0–1" }),
    }),
    budgetMicros: z.number().nullable(),
    byFeature: z.array(UsageLine),
    byProvider: z.array(UsageLine),
    byModel: z.array(UsageLine),
    byUser: z.array(UsageLine),
    byDay: z.array(UsageLine),
  })
  .openapi("Usage");
