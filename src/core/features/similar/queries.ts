/** SQL of the similar-deal search: the documents, and text scores computed by Postgres (pg_trgm, FTS). */
import { type SQL, sql } from "drizzle-orm";
import { resultRows, type Tx } from "../../infra/db/client.js";
import type { DealDoc, TextScore } from "./score.js";

/** Closed deals compared against: the most recent ones (recent history is the relevant one, and it bounds the cost). */
export const POOL_LIMIT = 300;
const NOTES_PER_DEAL = 5;
/** Words of the target's text used as an OR full-text query. */
const MAX_QUERY_TERMS = 24;

const ids = (xs: readonly string[]): SQL =>
  xs.length
    ? sql`array[${sql.join(
        xs.map((x) => sql`${x}`),
        sql`, `,
      )}]::uuid[]`
    : sql`array[]::uuid[]`;

interface DocRow {
  id: string;
  name: string;
  company: string | null;
  value_minor: string | number;
  currency: string;
  status: "open" | "won" | "lost";
  owner_user_id: string | null;
  stage_id: string;
  stage_entered_at: string | Date;
  path: string | { s: string; t: string }[] | null;
  notes: string | null;
}

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/**
 * Deals with their stage paths and latest notes: `ids` (the targets), or the closed pool (most recent
 * first, optionally one owner's only — a rep compares only against their own deals).
 */
export async function loadDealDocs(
  tx: Tx,
  which: { ids: readonly string[] } | { closed: true; ownerUserId?: string; limit?: number },
): Promise<DealDoc[]> {
  const where =
    "ids" in which
      ? sql`d.id = any(${ids(which.ids)})`
      : which.ownerUserId
        ? sql`d.status <> 'open' and d.owner_user_id = ${which.ownerUserId}`
        : sql`d.status <> 'open'`;
  const limit = "ids" in which ? sql`` : sql`limit ${which.limit ?? POOL_LIMIT}`;
  const rows = resultRows<DocRow>(
    await tx.execute(sql`
      select d.id, d.name, d.company, d.value_minor, d.currency, d.status, d.owner_user_id, d.stage_id,
             d.stage_entered_at,
             (select json_agg(json_build_object('s', h.stage_id, 't', h.entered_at) order by h.entered_at)
                from deal_stage_history h where h.deal_id = d.id) as path,
             (select string_agg(x.body, ' ' order by x.created_at desc) from
                (select n.body, n.created_at from deal_notes n where n.deal_id = d.id
                  order by n.created_at desc limit ${NOTES_PER_DEAL}) x) as notes
        from deals d
       where ${where}
       order by d.stage_entered_at desc, d.id
       ${limit}`),
  );
  return rows.map((r) => {
    const path = (typeof r.path === "string" ? JSON.parse(r.path) : (r.path ?? [])) as {
      s: string;
      t: string;
    }[];
    return {
      id: r.id,
      name: r.name,
      company: r.company,
      valueMinor: Number(r.value_minor),
      currency: r.currency,
      status: r.status,
      ownerUserId: r.owner_user_id,
      stageId: r.stage_id,
      stageEnteredAt: toDate(r.stage_entered_at),
      path: path.map((p) => ({ stageId: p.s, enteredAt: new Date(p.t) })),
      notes: r.notes ?? "",
    };
  });
}

/** Words for an OR full-text query: letters/digits only (safe in `to_tsquery`), ≥ 3 characters, distinct. */
export function queryTerms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]{3,}/gu)) {
    const w = m[0];
    if (!STOPWORDS.has(w) && !out.includes(w)) out.push(w);
    if (out.length >= MAX_QUERY_TERMS) break;
  }
  return out;
}

// Function words of the languages Keel answers in; the 'simple' configuration keeps them otherwise.
const STOPWORDS = new Set(
  "the and for with from that this they their our was were are has have not but you your will can about into over \
per por para con los las del una que sus este esta son fue der die das und mit von für den dem ein eine ist sie auf nicht".split(
    /\s+/,
  ),
);

/** Text the target is searched by: name, company and latest notes. */
export const docText = (d: DealDoc) => [d.name, d.company ?? "", d.notes].join(" ").trim();

/**
 * Text scores of the given (target, candidate) pairs, computed in Postgres: pg_trgm `similarity`
 * between the lower-cased "name company" strings, and `ts_rank` (normalised to 0..1) of the
 * candidate's name, company and notes against the target's words as an OR query ('simple'
 * configuration: no language guess, so Spanish and German notes match as well as English ones).
 * Targets and pairs travel as one JSON parameter each; every document and query is built once
 * (materialised), so the cost grows with the pairs, not with pairs × notes.
 */
export async function textScores(
  tx: Tx,
  targets: readonly DealDoc[],
  pairs: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, Map<string, TextScore>>> {
  const out = new Map<string, Map<string, TextScore>>();
  const flat = [...pairs].flatMap(([t, cs]) => cs.map((c) => ({ t, c })));
  if (targets.length === 0 || flat.length === 0) return out;
  const tJson = JSON.stringify(
    targets.map((t) => ({
      tid: t.id,
      doc: `${t.name} ${t.company ?? ""}`.toLowerCase(),
      q: queryTerms(docText(t)).join(" | "),
    })),
  );
  const rows = resultRows<{ tid: string; cid: string; trgm: number | string; fts: number | string }>(
    await tx.execute(sql`
      with t as materialized (
        select x.tid, x.doc, case when x.q = '' then null else to_tsquery('simple', x.q) end as tq
          from json_to_recordset(${tJson}::json) as x(tid uuid, doc text, q text)
      ), p as materialized (
        select x.t, x.c from json_to_recordset(${JSON.stringify(flat)}::json) as x(t uuid, c uuid)
      ), c as materialized (
        select d.id, lower(d.name || ' ' || coalesce(d.company, '')) as doc,
               to_tsvector('simple', d.name || ' ' || coalesce(d.company, '') || ' ' ||
                 coalesce((select string_agg(n.body, ' ') from deal_notes n where n.deal_id = d.id), '')) as tsv
          from deals d where d.id in (select distinct p.c from p)
      )
      select p.t as tid, p.c as cid, similarity(t.doc, c.doc) as trgm,
             case when t.tq is null then 0 else ts_rank(c.tsv, t.tq, 32) end as fts
        from p join t on t.tid = p.t join c on c.id = p.c`),
  );
  for (const r of rows) {
    const m = out.get(r.tid) ?? new Map<string, TextScore>();
    m.set(r.cid, { trgm: Number(r.trgm), fts: Number(r.fts) });
    out.set(r.tid, m);
  }
  return out;
}
