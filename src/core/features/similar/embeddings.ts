/**
 * Provider embeddings of deal texts, stored per deal and model, compared by cosine in SQL: with pgvector
 * (`embedding_vec vector`, `<=>`) where the server has it, else over the plain `real[]` column. Which
 * one is detected at run time from the catalog (drizzle/sql/090-vector.sql adds the column only where
 * the extension exists). Provider calls happen outside any transaction; a failing provider leaves the
 * search on pg_trgm and full-text scores, never without an answer.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { type Database, resultRows, type Tx } from "../../infra/db/client.js";
import { detectSensitive } from "../../infra/llm/index.js";
import { docText } from "./queries.js";
import type { DealDoc } from "./score.js";

/** Texts sent per provider call, and per search (bounds the cost of a first search over a big pool). */
const BATCH = 64;
export const MAX_EMBED_PER_SEARCH = 512;
const MAX_TEXT_CHARS = 2000;

const vectorColumn = new WeakMap<Database, Promise<boolean>>();

/** True when deal_embeddings has the pgvector column on this database (cached per connection pool). */
export function hasVectorColumn(db: Database, tx: Tx): Promise<boolean> {
  let known = vectorColumn.get(db);
  if (!known) {
    known = tx
      .execute(
        sql`select exists (select 1 from information_schema.columns where table_schema = 'public'
              and table_name = 'deal_embeddings' and column_name = 'embedding_vec') as v`,
      )
      .then((r) => Boolean(resultRows<{ v: boolean }>(r)[0]?.v));
    vectorColumn.set(db, known);
  }
  return known;
}

const hashOf = (model: string, text: string) =>
  createHash("sha256").update(model).update("\0").update(text).digest("hex").slice(0, 32);

const textOf = (d: DealDoc) => docText(d).slice(0, MAX_TEXT_CHARS);

/** Deals among `docs` whose stored embedding is missing or stale for `model`. */
export async function staleEmbeddings(tx: Tx, docs: readonly DealDoc[], model: string): Promise<DealDoc[]> {
  if (docs.length === 0) return [];
  const rows = resultRows<{ deal_id: string; text_hash: string; model: string }>(
    await tx.execute(
      sql`select deal_id, text_hash, model from deal_embeddings
           where deal_id = any(array[${sql.join(
             docs.map((d) => sql`${d.id}`),
             sql`, `,
           )}]::uuid[])`,
    ),
  );
  const have = new Map(rows.map((r) => [r.deal_id, r]));
  return docs.filter((d) => {
    const h = have.get(d.id);
    return !h || h.model !== model || h.text_hash !== hashOf(model, textOf(d));
  });
}

export interface EmbedOutcome {
  model: string | null;
  embedded: number;
  /** Left without an embedding: sensitive text (never sent to a cloud provider) or over the cap. */
  skipped: number;
  error?: string;
}

/**
 * Embeds the given deals' texts with the configured model and stores them. Text the gateway classes
 * as sensitive (bank details, payroll, personal data) goes only to a local (Ollama) model.
 */
export async function ensureEmbeddings(
  deps: Deps,
  ctx: { tenantId: string; userId?: string },
  stale: readonly DealDoc[],
): Promise<EmbedOutcome> {
  const embed = deps.llm.embed?.bind(deps.llm);
  const model = deps.config.llm.LLM_EMBEDDINGS_MODEL ?? null;
  if (!embed || !model) return { model: null, embedded: 0, skipped: 0 };
  const local =
    (deps.config.llm.LLM_EMBEDDINGS_PROVIDER ??
      (deps.config.llm.OPENAI_API_KEY || deps.config.llm.OPENAI_BASE_URL ? "openai" : "ollama")) === "ollama";
  const sendable = stale.filter((d) => local || !detectSensitive(textOf(d)).sensitive);
  const todo = sendable.slice(0, MAX_EMBED_PER_SEARCH);
  let skipped = stale.length - todo.length;
  let embedded = 0;
  const log = deps.logger.child({ feature: "similar.embeddings", model });
  try {
    for (let i = 0; i < todo.length; i += BATCH) {
      const batch = todo.slice(i, i + BATCH);
      const res = await embed({ ...ctx, feature: "similar.embeddings" }, batch.map(textOf));
      if (!res) return { model: null, embedded, skipped };
      const vectorOk = await deps.db.tenantTx(ctx.tenantId, async (tx) => {
        const vec = await hasVectorColumn(deps.db, tx);
        for (const [j, d] of batch.entries()) {
          const v = res.vectors[j]!;
          if (!v.length || v.some((x) => !Number.isFinite(x))) {
            skipped++;
            continue;
          }
          const hash = hashOf(model, textOf(d));
          const literal = `[${v.join(",")}]`;
          await tx.execute(
            vec
              ? sql`insert into deal_embeddings (deal_id, tenant_id, model, text_hash, embedding, embedding_vec, updated_at)
                    values (${d.id}, ${ctx.tenantId}, ${model}, ${hash}, null, ${literal}::vector, now())
                    on conflict (deal_id) do update set model = excluded.model, text_hash = excluded.text_hash,
                      embedding = null, embedding_vec = excluded.embedding_vec, updated_at = now()`
              : sql`insert into deal_embeddings (deal_id, tenant_id, model, text_hash, embedding, updated_at)
                    values (${d.id}, ${ctx.tenantId}, ${model}, ${hash}, ${`{${v.join(",")}}`}::real[], now())
                    on conflict (deal_id) do update set model = excluded.model, text_hash = excluded.text_hash,
                      embedding = excluded.embedding, updated_at = now()`,
          );
          embedded++;
        }
        return vec;
      });
      log.debug({ n: batch.length, pgvector: vectorOk }, "deal embeddings stored");
    }
  } catch (err) {
    log.warn({ err }, "embeddings failed; similar deals use text search only");
    return { model, embedded, skipped: skipped + (todo.length - embedded), error: (err as Error).message };
  }
  return { model, embedded, skipped };
}

/** Cosine similarity of the given (target, candidate) pairs where both have an embedding of `model`. */
export async function embeddingScores(
  deps: Deps,
  tx: Tx,
  pairs: ReadonlyMap<string, readonly string[]>,
  model: string,
): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  const flat = [...pairs].flatMap(([t, cs]) => cs.map((c) => ({ t, c })));
  if (flat.length === 0) return out;
  const vec = await hasVectorColumn(deps.db, tx);
  const p = sql`json_to_recordset(${JSON.stringify(flat)}::json) as p(t uuid, c uuid)`;
  const rows = resultRows<{ tid: string; cid: string; cos: number | string | null }>(
    await tx.execute(
      vec
        ? sql`select p.t as tid, p.c as cid, 1 - (te.embedding_vec <=> ce.embedding_vec) as cos
                from ${p}
                join deal_embeddings te on te.deal_id = p.t and te.model = ${model} and te.embedding_vec is not null
                join deal_embeddings ce on ce.deal_id = p.c and ce.model = ${model} and ce.embedding_vec is not null
               where vector_dims(ce.embedding_vec) = vector_dims(te.embedding_vec)`
        : sql`select p.t as tid, p.c as cid,
                     (select sum(a * b) / nullif(sqrt(sum(a * a)) * sqrt(sum(b * b)), 0)
                        from unnest(te.embedding, ce.embedding) as u(a, b)) as cos
                from ${p}
                join deal_embeddings te on te.deal_id = p.t and te.model = ${model} and te.embedding is not null
                join deal_embeddings ce on ce.deal_id = p.c and ce.model = ${model} and ce.embedding is not null
               where cardinality(ce.embedding) = cardinality(te.embedding)`,
    ),
  );
  for (const r of rows) {
    if (r.cos === null) continue;
    const m = out.get(r.tid) ?? new Map<string, number>();
    m.set(r.cid, Number(r.cos));
    out.set(r.tid, m);
  }
  return out;
}
