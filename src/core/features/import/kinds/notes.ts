import { and, eq, inArray, or } from "drizzle-orm";
import { dealNotes, deals, users } from "../../../infra/db/schema/index.js";
import { email, isoDate, limited } from "../fields.js";
import type { KindSpec } from "../types.js";
import { str, toDay } from "./shared.js";

/** Deal notes: keyed by external_id, else by (deal, body) — the same text on the same deal is one note. */
export function notesKind(): KindSpec {
  const authors = new Map<string, string>();
  return {
    columns: {
      external_id: limited(200),
      deal: limited(200),
      deal_external_id: limited(200),
      body: limited(10_000),
      author_email: email,
      created_on: isoDate,
    },
    required: [["deal", "deal_external_id"], ["body"]],
    async prepare(ctx) {
      for (const u of await ctx.tx.select({ id: users.id, email: users.email }).from(users))
        authors.set(u.email, u.id);
    },
    async apply(ctx, rows) {
      const names = rows.map((r) => str(r.values.deal)).filter((x): x is string => !!x);
      const exts = rows.map((r) => str(r.values.deal_external_id)).filter((x): x is string => !!x);
      const ds = await ctx.tx
        .select({ id: deals.id, name: deals.name, externalId: deals.externalId })
        .from(deals)
        .where(
          or(
            names.length ? inArray(deals.name, names) : undefined,
            exts.length ? inArray(deals.externalId, exts) : undefined,
          ),
        );
      for (const row of rows) {
        if (!row.raw.body) ctx.issue(row, "body", "the text of the note");
        const dx = str(row.values.deal_external_id);
        const dn = str(row.values.deal);
        const deal = dx ? ds.find((d) => d.externalId === dx) : ds.find((d) => d.name === dn);
        if (!deal && (dx || dn)) ctx.issue(row, dx ? "deal_external_id" : "deal", "a deal of this company");
        if (!dx && !dn) ctx.issue(row, "deal", "the deal the note belongs to");
        const author = str(row.values.author_email);
        if (author && !authors.has(author))
          ctx.issue(row, "author_email", "a user of this company (see keel users list)");
        if (row.failed || !deal) continue;
        const body = str(row.values.body)!;
        const ext = str(row.values.external_id);
        const [existing] = await ctx.tx
          .select()
          .from(dealNotes)
          .where(
            and(
              eq(dealNotes.dealId, deal.id),
              ext ? eq(dealNotes.externalId, ext) : eq(dealNotes.body, body),
            ),
          )
          .limit(1);
        const values = {
          body,
          ...(author ? { authorUserId: authors.get(author)! } : {}),
          ...(row.values.created_on ? { createdAt: toDay(row.values.created_on) } : {}),
        };
        if (!existing) {
          await ctx.tx
            .insert(dealNotes)
            .values({ tenantId: ctx.tenantId, dealId: deal.id, externalId: ext ?? null, ...values });
          ctx.count("created");
        } else if (existing.body !== body) {
          await ctx.tx.update(dealNotes).set({ body }).where(eq(dealNotes.id, existing.id));
          ctx.count("updated", ["body"]);
        } else ctx.count("unchanged");
      }
    },
  };
}
