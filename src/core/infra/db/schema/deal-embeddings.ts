import { index, pgTable, real, text, uuid } from "drizzle-orm/pg-core";
import { tenantId, updatedAt } from "./_columns.js";
import { deals } from "./deals.js";

/**
 * A provider embedding of a deal's text (name, company, latest notes), for similar-deal search.
 * `embedding` is a plain `real[]` (cosine computed in SQL) on servers without pgvector; where the
 * `vector` extension exists, drizzle/sql/090-vector.sql adds `embedding_vec vector` and Keel stores
 * there instead (detected at run time). Re-embedded when the text or the model changes.
 */
export const dealEmbeddings = pgTable(
  "deal_embeddings",
  {
    dealId: uuid("deal_id")
      .primaryKey()
      .references(() => deals.id, { onDelete: "cascade" }),
    tenantId: tenantId(),
    model: text("model").notNull(),
    /** sha256 of the embedded text: unchanged text is not sent again. */
    textHash: text("text_hash").notNull(),
    embedding: real("embedding").array(),
    updatedAt: updatedAt(),
  },
  (t) => [index("deal_embeddings_tenant_model").on(t.tenantId, t.model)],
);
