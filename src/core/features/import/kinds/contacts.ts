import { eq, inArray } from "drizzle-orm";
import { contacts } from "../../../infra/db/schema/index.js";
import { email, limited } from "../fields.js";
import type { KindSpec } from "../types.js";
import {
  byExternalOrKey,
  columnValues,
  countChange,
  type FieldMap,
  keyIndex,
  patchOf,
  str,
} from "./shared.js";

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
      const exts = columnValues(rows, "external_id");
      const keys = columnValues(rows, "name");
      const found = await byExternalOrKey(
        exts.length
          ? () => ctx.tx.select().from(contacts).where(inArray(contacts.externalId, exts))
          : undefined,
        keys.length ? () => ctx.tx.select().from(contacts).where(inArray(contacts.name, keys)) : undefined,
      );
      const index = keyIndex(found as Partial<Contact>[], (x) => x.name!);
      const news: Partial<Contact>[] = [];
      for (const row of rows) {
        const current = index.find(str(row.values.external_id), str(row.values.name));
        const name = str(row.values.name);
        if (!current && !name && !row.failed) ctx.issue(row, "name", "a value (required for a new contact)");
        if (row.failed) continue;
        const patch = patchOf(ctx, row, MAP);
        if (!current) {
          // Inserted in bulk after the loop; a later row of this batch with the same key updates this object.
          const fresh = { tenantId: ctx.tenantId, ...patch } as Partial<Contact>;
          news.push(fresh);
          index.add(fresh);
          ctx.count("created");
          continue;
        }
        if (countChange(ctx, MAP, current as Record<string, unknown>, patch).length) {
          if (current.id) await ctx.tx.update(contacts).set(patch).where(eq(contacts.id, current.id));
          Object.assign(current, patch);
        }
      }
      if (news.length) await ctx.tx.insert(contacts).values(news as (typeof contacts.$inferInsert)[]);
    },
  };
}
