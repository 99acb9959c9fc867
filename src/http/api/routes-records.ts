import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Deps } from "../../core/deps.js";
import {
  addDealNote,
  dealKey,
  getDeal,
  type Item,
  listContacts,
  listDealNotes,
  listDeals,
  listInvoices,
  listMetricPoints,
  listPayments,
  moveDealStage,
  type Page,
  upsertItems,
} from "../../core/features/api/index.js";
import type { ImportKind } from "../../core/features/import/index.js";
import type { ApiEnv } from "./middleware.js";
import {
  common,
  errors,
  idempotencyHeader,
  itemPointer,
  json,
  jsonBody,
  reportOrProblem,
  writeErrors,
} from "./route-kit.js";
import {
  bulkBody,
  Contact,
  ContactItem,
  Deal,
  DealItem,
  IdParam,
  Invoice,
  InvoiceItem,
  MetricItem,
  MetricPoint,
  Note,
  NoteBody,
  PageQuery,
  Payment,
  PaymentItem,
  page,
  StageMoveBody,
  WriteReport,
} from "./schemas.js";

const out = <T>(p: Page<T>) => ({
  data: p.data,
  next_cursor: p.nextCursor,
});

/** Contacts, deals (+ notes and stage moves), invoices, payments and metric points. */
export function recordRoutes(api: OpenAPIHono<ApiEnv>, deps: Deps) {
  const bulk = (
    kind: ImportKind,
    path: string,
    scope: Parameters<typeof common>[0],
    tag: string,
    item: z.ZodType,
    name: string,
  ) =>
    api.openapi(
      createRoute({
        method: "post",
        path,
        ...common(scope, tag, `Create or update ${kind} (upsert by external_id, else the natural key)`),
        request: { headers: idempotencyHeader, body: jsonBody(bulkBody(item, name)) },
        responses: { 200: json(WriteReport, "Counts of created / updated / unchanged rows"), ...writeErrors },
      }),
      async (c) => {
        const body = c.req.valid("json") as { items: Item[]; dry_run?: boolean };
        const r = await upsertItems(deps, c.var.caller.actor, kind, body.items, { dryRun: body.dry_run });
        return c.json(reportOrProblem(r, itemPointer), 200);
      },
    );

  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/contacts",
      ...common("contacts:read", "contacts", "List contacts"),
      request: { query: PageQuery },
      responses: { 200: json(page(Contact, "ContactPage"), "A page of contacts"), ...errors },
    }),
    async (c) => c.json(out(await listContacts(deps, c.var.caller.actor, c.req.valid("query"))), 200),
  );
  bulk("contacts", "/api/v1/contacts", "contacts:write", "contacts", ContactItem, "ContactWrite");

  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/deals",
      ...common("deals:read", "deals", "List deals (a rep's token: own deals only)"),
      request: { query: PageQuery },
      responses: { 200: json(page(Deal, "DealPage"), "A page of deals"), ...errors },
    }),
    async (c) => c.json(out(await listDeals(deps, c.var.caller.actor, c.req.valid("query"))), 200),
  );
  bulk("deals", "/api/v1/deals", "deals:write", "deals", DealItem, "DealWrite");
  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/deals/{id}",
      ...common("deals:read", "deals", "One deal"),
      request: { params: IdParam },
      responses: { 200: json(Deal, "The deal"), ...errors },
    }),
    async (c) => c.json(await getDeal(deps, c.var.caller.actor, c.req.valid("param").id), 200),
  );
  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/deals/{id}/notes",
      ...common("deals:read", "deals", "Notes of a deal"),
      request: { params: IdParam, query: PageQuery },
      responses: { 200: json(page(Note, "NotePage"), "A page of notes"), ...errors },
    }),
    async (c) =>
      c.json(
        out(await listDealNotes(deps, c.var.caller.actor, c.req.valid("param").id, c.req.valid("query"))),
        200,
      ),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/deals/{id}/notes",
      ...common("deals:write", "deals", "Add a note to a deal (the same text twice is one note)"),
      request: { params: IdParam, headers: idempotencyHeader, body: jsonBody(NoteBody) },
      responses: { 200: json(WriteReport, "Created or unchanged"), ...writeErrors },
    }),
    async (c) => {
      const actor = c.var.caller.actor;
      const key = await dealKey(deps, actor, c.req.valid("param").id);
      const note = c.req.valid("json") as Item;
      const r = await addDealNote(deps, actor, key, note);
      return c.json(
        reportOrProblem(r, (_l, f) => (f === "deal" || f === "deal_external_id" ? "" : `/${f}`)),
        200,
      );
    },
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/deals/{id}/stage",
      ...common("deals:write", "deals", "Move a deal to a stage (recorded in stage history)"),
      request: { params: IdParam, headers: idempotencyHeader, body: jsonBody(StageMoveBody) },
      responses: { 200: json(Deal, "The deal after the move"), ...writeErrors },
    }),
    async (c) => {
      const actor = c.var.caller.actor;
      const id = c.req.valid("param").id;
      const key = await dealKey(deps, actor, id);
      const body = c.req.valid("json");
      const r = await moveDealStage(deps, actor, key, body.stage, body.entered_on);
      reportOrProblem(r, (_l, f) => (f === "stage_entered_on" ? "/entered_on" : `/${f}`));
      return c.json(await getDeal(deps, actor, id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/invoices",
      ...common("invoices:read", "invoices", "List invoices with paid amount and open balance"),
      request: { query: PageQuery },
      responses: { 200: json(page(Invoice, "InvoicePage"), "A page of invoices"), ...errors },
    }),
    async (c) => c.json(out(await listInvoices(deps, c.var.caller.actor, c.req.valid("query"))), 200),
  );
  bulk("invoices", "/api/v1/invoices", "invoices:write", "invoices", InvoiceItem, "InvoiceWrite");

  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/payments",
      ...common("payments:read", "invoices", "List payments"),
      request: { query: PageQuery },
      responses: { 200: json(page(Payment, "PaymentPage"), "A page of payments"), ...errors },
    }),
    async (c) => c.json(out(await listPayments(deps, c.var.caller.actor, c.req.valid("query"))), 200),
  );
  bulk("payments", "/api/v1/payments", "payments:write", "invoices", PaymentItem, "PaymentWrite");

  api.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/metric-points",
      ...common("metrics:read", "metrics", "Points of one metric by date"),
      request: {
        query: PageQuery.extend({
          metric: z
            .string()
            .regex(/^[a-z][a-z0-9_]{0,62}$/)
            .openapi({ param: { name: "metric", in: "query" }, example: "website_sessions" }),
        }),
      },
      responses: { 200: json(page(MetricPoint, "MetricPointPage"), "A page of points"), ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      return c.json(out(await listMetricPoints(deps, c.var.caller.actor, q.metric, q)), 200);
    },
  );
  bulk("metrics", "/api/v1/metric-points", "metrics:write", "metrics", MetricItem, "MetricWrite");
}
