import { eq, inArray, or } from "drizzle-orm";
import { contacts } from "../../../infra/db/schema/index.js";
import { email, limited } from "../fields.js";
import type { KindSpec } from "../types.js";
import { countChange, type FieldMap, patchOf, str } from "./shared.js";

type Contact = typeof contacts.$inferSelect;

const MAP: FieldMap = {
  external_id: { field: "externalId", clearable: false },
  name: { field: "name", clearable: false },
  company: { field: "company", clearable: true },
  email: { field: "email", clearable: true },
  phone: { field: "phone", clearable: true },
};

/** Contacts: keyed by external_id, else by name. */
export function contactsKind(): KindSpec {
  return {
    columns: {
      external_id: limited(200),
      name: limited(200),
      company: limited(200),
      email,
      phone: limited(40),
    },
    required: [["name", "external_id"]],
    async apply(ctx, rows) {
      const exts = rows.map((r) => str(r.values.external_id)).filter((x): x is string => !!x);
      const names = rows.map((r) => str(r.values.name)).filter((x): x is string => !!x);
      const found = await ctx.tx
        .select()
        .from(contacts)
        .where(
          or(
            exts.length ? inArray(contacts.externalId, exts) : undefined,
            names.length ? inArray(contacts.name, names) : undefined,
          ),
        );
      const byExt = new Map(
        found.filter((c) => c.externalId).map((c) => [c.externalId!, c as Partial<Contact>]),
      );
      const byName = new Map(found.map((c) => [c.name, c as Partial<Contact>]));
      for (const row of rows) {
        const ext = str(row.values.external_id);
        const name = str(row.values.name);
        let current = ext ? byExt.get(ext) : undefined;
        if (!current && name) {
          const n = byName.get(name);
          if (n && (!ext || !n.externalId)) current = n;
        }
        if (!current && !name && !row.failed) ctx.issue(row, "name", "a value (required for a new contact)");
        if (row.failed) continue;
        const patch = patchOf(ctx, row, MAP);
        if (!current) {
          const [ins] = await ctx.tx
            .insert(contacts)
            .values({ tenantId: ctx.tenantId, ...patch } as typeof contacts.$inferInsert)
            .returning();
          byName.set(ins!.name, ins!);
          if (ins!.externalId) byExt.set(ins!.externalId, ins!);
          ctx.count("created");
          continue;
        }
        if (countChange(ctx, MAP, current as Record<string, unknown>, patch).length) {
          await ctx.tx.update(contacts).set(patch).where(eq(contacts.id, current.id!));
          Object.assign(current, patch);
        }
      }
    },
  };
}
