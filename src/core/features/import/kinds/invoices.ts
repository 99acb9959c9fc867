import { eq, inArray, sql } from "drizzle-orm";
import { invoices, payments } from "../../../infra/db/schema/index.js";
import { decimalAmount } from "../../../kernel/format.js";
import { paidPerInvoice } from "../../invoices/index.js";
import { currency, isoDate, limited, oneOf, positiveAmount, yesNo } from "../fields.js";
import type { BatchCtx, KindSpec, RowIn } from "../types.js";
import {
  byExternalOrKey,
  columnValues,
  countChange,
  type FieldMap,
  keyIndex,
  patchOf,
  str,
} from "./shared.js";

type Invoice = typeof invoices.$inferSelect;

const MAP: FieldMap = {
  external_id: { field: "externalId", clearable: false },
  number: { field: "number", clearable: false },
  customer: { field: "customer", clearable: false },
  issued_on: { field: "issuedOn", clearable: false },
  due_on: { field: "dueOn", clearable: false },
  amount: { field: "amountMinor", clearable: false },
  currency: { field: "currency", clearable: false },
  status: { field: "status", clearable: false },
};

/** Paid when payments cover the amount, open otherwise; void stays void. One rule for every writer. */
export async function refreshInvoiceStatus(ctx: BatchCtx, ids: string[]) {
  if (!ids.length) return;
  const paid = paidPerInvoice(ctx.tx);
  await ctx.tx
    .update(invoices)
    .set({
      status: sql`case when ${invoices.status} = 'void' then 'void'
        when coalesce((select ${paid.paid} from ${paid} where ${paid.invoiceId} = ${invoices.id}), 0) >= ${invoices.amountMinor} then 'paid'
        else 'open' end`,
    })
    .where(inArray(invoices.id, ids));
}

/** What was paid so far per invoice id, for the payment ≤ open balance rule. */
async function paidSoFar(ctx: BatchCtx, ids: string[]) {
  if (!ids.length) return new Map<string, number>();
  const paid = paidPerInvoice(ctx.tx);
  const rows = await ctx.tx.select().from(paid).where(inArray(paid.invoiceId, ids));
  return new Map(rows.map((r) => [r.invoiceId, Number(r.paid)]));
}

/** Invoices: keyed by external_id, else number; due must not precede issue; paid_on adds a payment. */
export function invoicesKind(): KindSpec {
  return {
    columns: {
      external_id: limited(200),
      number: limited(60),
      customer: limited(200),
      issued_on: isoDate,
      due_on: isoDate,
      amount: positiveAmount,
      currency,
      status: oneOf(["open", "void"] as const),
      paid_on: isoDate,
      paid_amount: positiveAmount,
    },
    required: [["number"]],
    async apply(ctx, rows) {
      const exts = columnValues(rows, "external_id");
      const keys = columnValues(rows, "number");
      const found = await byExternalOrKey(
        exts.length
          ? () => ctx.tx.select().from(invoices).where(inArray(invoices.externalId, exts))
          : undefined,
        keys.length ? () => ctx.tx.select().from(invoices).where(inArray(invoices.number, keys)) : undefined,
      );
      const index = keyIndex(found as Partial<Invoice>[], (x) => x.number!);
      const paid = await paidSoFar(
        ctx,
        found.map((f) => f.id),
      );
      const touched = new Set<string>();
      const pays: { row: RowIn; inv: Partial<Invoice> }[] = [];
      const news: Partial<Invoice>[] = [];
      for (const row of rows) {
        const current = index.find(str(row.values.external_id), str(row.values.number));
        if (!current)
          for (const c of ["number", "customer", "issued_on", "due_on", "amount"])
            if (!(c in row.values) && !row.raw[c]) ctx.issue(row, c, "a value (required for a new invoice)");
        const issued = str(row.values.issued_on) ?? current?.issuedOn;
        const due = str(row.values.due_on) ?? current?.dueOn;
        if (issued && due && due < issued)
          ctx.issue(
            row,
            ctx.header.has("due_on") ? "due_on" : "issued_on",
            `a due date on or after the issue date ${issued}`,
            due,
          );
        if ("paid_amount" in row.values && !("paid_on" in row.values))
          ctx.issue(row, "paid_on", "the date of the payment given in paid_amount");
        if (row.failed) continue;
        const patch = patchOf(ctx, row, MAP);
        let inv = current;
        if (!inv) {
          // Inserted in bulk after the loop; later rows of this batch with the same key update this object.
          inv = { tenantId: ctx.tenantId, currency: ctx.currency, ...patch } as Partial<Invoice>;
          news.push(inv);
          index.add(inv);
          ctx.count("created");
        } else {
          // "open" in a file means "not void": an invoice its payments made paid stays paid.
          if (patch.status === "open" && inv.status === "paid") delete patch.status;
          const changed = countChange(ctx, MAP, inv as Record<string, unknown>, patch);
          if (changed.length) {
            Object.assign(inv, patch);
            if (inv.id) await ctx.tx.update(invoices).set(patch).where(eq(invoices.id, inv.id));
          }
        }
        if ("paid_on" in row.values) pays.push({ row, inv });
        if (inv.id) touched.add(inv.id);
      }
      if (news.length) {
        const ids = await ctx.tx
          .insert(invoices)
          .values(news as (typeof invoices.$inferInsert)[])
          .returning({ id: invoices.id });
        news.forEach((n, i) => {
          n.id = ids[i]!.id;
          touched.add(n.id);
        });
      }
      // Legacy paid_on/paid_amount columns: one payment per (invoice, paid_on), same balance rule as payments.
      for (const { row, inv } of pays) {
        const on = str(row.values.paid_on)!;
        const amt = (row.values.paid_amount as number | undefined) ?? inv.amountMinor!;
        const existing = await ctx.tx
          .select()
          .from(payments)
          .where(sql`${payments.invoiceId} = ${inv.id} and ${payments.paidOn} = ${on}`);
        const others = (paid.get(inv.id!) ?? 0) - existing.reduce((a, p) => a + p.amountMinor, 0);
        if (amt > inv.amountMinor! - others) {
          ctx.issue(
            row,
            "paid_amount",
            `at most the open balance ${decimalAmount(inv.amountMinor! - others)} of invoice ${inv.number}`,
            decimalAmount(amt),
          );
          continue;
        }
        if (existing.length === 0)
          await ctx.tx
            .insert(payments)
            .values({ tenantId: ctx.tenantId, invoiceId: inv.id!, paidOn: on, amountMinor: amt });
        else if (existing[0]!.amountMinor !== amt)
          await ctx.tx.update(payments).set({ amountMinor: amt }).where(eq(payments.id, existing[0]!.id));
        paid.set(inv.id!, others + amt);
      }
      await refreshInvoiceStatus(ctx, [...touched]);
    },
  };
}

/** Payments: keyed by external_id, else (invoice, date, amount); never more than the open balance unless marked overpayment. */
export function paymentsKind(): KindSpec {
  return {
    columns: {
      external_id: limited(200),
      invoice_number: limited(60),
      paid_on: isoDate,
      amount: positiveAmount,
      overpayment: yesNo,
    },
    required: [["invoice_number"], ["paid_on"], ["amount"]],
    async apply(ctx, rows) {
      const numbers = [
        ...new Set(rows.map((r) => str(r.values.invoice_number)).filter((x): x is string => !!x)),
      ];
      const invs = numbers.length
        ? await ctx.tx.select().from(invoices).where(inArray(invoices.number, numbers))
        : [];
      const byNumber = new Map(invs.map((i) => [i.number, i]));
      const paid = await paidSoFar(
        ctx,
        invs.map((i) => i.id),
      );
      const existing = invs.length
        ? await ctx.tx
            .select()
            .from(payments)
            .where(
              inArray(
                payments.invoiceId,
                invs.map((i) => i.id),
              ),
            )
        : [];
      const touched = new Set<string>();
      for (const row of rows) {
        for (const c of ["invoice_number", "paid_on", "amount"])
          if (!row.raw[c]) ctx.issue(row, c, "a value (required)");
        const inv = byNumber.get(str(row.values.invoice_number) ?? "");
        if (str(row.values.invoice_number) && !inv)
          ctx.issue(
            row,
            "invoice_number",
            "the number of an invoice of this company (import invoices first)",
          );
        if (row.failed || !inv) continue;
        const on = str(row.values.paid_on)!;
        const amt = row.values.amount as number;
        const ext = str(row.values.external_id);
        const mine = existing.find(
          (p) =>
            p.invoiceId === inv.id &&
            (ext ? p.externalId === ext : !p.externalId && p.paidOn === on && p.amountMinor === amt),
        );
        const before = paid.get(inv.id) ?? 0;
        const others = before - (mine?.amountMinor ?? 0);
        // An already stored payment that does not grow is not re-checked (it may be a recorded overpayment).
        const grows = !mine || amt > mine.amountMinor;
        if (grows && amt > inv.amountMinor - others && row.values.overpayment !== true) {
          ctx.issue(
            row,
            "amount",
            `at most the open balance ${decimalAmount(Math.max(0, inv.amountMinor - others))} of invoice ${inv.number} (or overpayment=yes)`,
          );
          continue;
        }
        if (!mine) {
          const [p] = await ctx.tx
            .insert(payments)
            .values({
              tenantId: ctx.tenantId,
              invoiceId: inv.id,
              paidOn: on,
              amountMinor: amt,
              externalId: ext ?? null,
            })
            .returning();
          existing.push(p!);
          ctx.count("created");
        } else {
          const patch = { paidOn: on, amountMinor: amt };
          const changed = countChange(
            ctx,
            {
              paid_on: { field: "paidOn", clearable: false },
              amount: { field: "amountMinor", clearable: false },
            },
            mine,
            patch,
          );
          if (changed.length) {
            await ctx.tx.update(payments).set(patch).where(eq(payments.id, mine.id));
            Object.assign(mine, patch);
          }
        }
        paid.set(inv.id, others + amt);
        touched.add(inv.id);
      }
      await refreshInvoiceStatus(ctx, [...touched]);
    },
  };
}
