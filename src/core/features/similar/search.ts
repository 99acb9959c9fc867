/**
 * Similar past deals: for each target deal, the k most similar closed deals of the same tenant (RLS)
 * — within one owner's deals when the asker is a rep — and what happened to them. One implementation
 * for the `deal NAME` summary and the cash simulation, so both read the same neighbours.
 */
import type { Deps } from "../../deps.js";
import type { Tx } from "../../infra/db/client.js";
import { stages } from "../../infra/db/schema/index.js";
import { embeddingScores, ensureEmbeddings, hasVectorColumn, staleEmbeddings } from "./embeddings.js";
import { loadDealDocs, POOL_LIMIT, textScores } from "./queries.js";
import {
  type DealDoc,
  type Neighbour,
  type NeighbourStats,
  nearest,
  neighbourStats,
  type TextScore,
} from "./score.js";

export const DEFAULT_K = 7;
/** Below this many closed deals there is nothing honest to compare against. */
export const MIN_HISTORY = 5;
/** Candidates per deal scored by text: the closest by features (text re-ranks within them). */
export const SHORTLIST = 40;

export type SimilarResult =
  | {
      ok: true;
      targetId: string;
      /** Closed deals compared against. */
      pool: number;
      neighbours: Neighbour[];
      stats: NeighbourStats;
    }
  | { ok: false; targetId: string; pool: number; reason: "thin_history" };

export interface SimilarSearch {
  results: Map<string, SimilarResult>;
  /** Which text signals were used (embeddings only when configured and stored for both sides). */
  text: { trgm: true; fts: true; embeddings: boolean; pgvector?: boolean; embeddingError?: string };
  pool: number;
}

export interface SimilarOptions {
  k?: number;
  /** Compare only against this owner's closed deals (rep scope). */
  ownerUserId?: string;
  /** Ask the embeddings provider for missing vectors (false: use stored ones only). */
  embed?: boolean;
  userId?: string;
}

interface StageKinds {
  terminal: Set<string>;
  invoiced: Set<string>;
}

async function stageKinds(tx: Tx): Promise<StageKinds> {
  const rows = await tx
    .select({ id: stages.id, w: stages.isWon, l: stages.isLost, i: stages.isInvoiced })
    .from(stages);
  return {
    terminal: new Set(rows.filter((r) => r.w || r.l).map((r) => r.id)),
    invoiced: new Set(rows.filter((r) => r.i).map((r) => r.id)),
  };
}

/** Similar closed deals for each of `targetIds` (ids of the tenant's deals; unknown ids are left out). */
export async function findSimilarDeals(
  deps: Deps,
  tenantId: string,
  targetIds: readonly string[],
  opts: SimilarOptions = {},
): Promise<SimilarSearch> {
  const k = opts.k ?? DEFAULT_K;
  const loaded = await deps.db.tenantTx(tenantId, async (tx) => {
    const targets = await loadDealDocs(tx, { ids: targetIds });
    const pool = await loadDealDocs(tx, { closed: true, ownerUserId: opts.ownerUserId, limit: POOL_LIMIT });
    const model = deps.config.llm.LLM_EMBEDDINGS_MODEL;
    const stale =
      model && opts.embed !== false && deps.llm.embed
        ? await staleEmbeddings(tx, [...targets, ...pool], model)
        : [];
    return { targets, pool, stale };
  });
  const { targets, pool } = loaded;
  const model = deps.config.llm.LLM_EMBEDDINGS_MODEL;
  let embeddingError: string | undefined;
  if (loaded.stale.length) {
    const r = await ensureEmbeddings(deps, { tenantId, userId: opts.userId }, loaded.stale);
    embeddingError = r.error;
  }
  return deps.db.tenantTx(tenantId, async (tx) => {
    const kinds = await stageKinds(tx);
    const small = pool.length < MIN_HISTORY;
    const opts2 = { terminalStageIds: kinds.terminal, invoicedStageIds: kinds.invoiced };
    // Stage one: the SHORTLIST closest by features alone (cheap, in code); stage two: text scores
    // for those pairs only (in Postgres), and the final k from the combined score.
    const shortlist = new Map<string, string[]>();
    if (!small)
      for (const t of targets)
        shortlist.set(
          t.id,
          nearest(t, pool, new Map(), { ...opts2, k: SHORTLIST }).map((n) => n.id),
        );
    const text = small ? new Map() : await textScores(tx, targets, shortlist);
    const emb =
      !small && model && deps.llm.embed
        ? await embeddingScores(deps, tx, shortlist, model)
        : new Map<string, Map<string, number>>();
    const byId = new Map(pool.map((p) => [p.id, p]));
    const results = new Map<string, SimilarResult>();
    for (const t of targets) {
      if (small) {
        results.set(t.id, { ok: false, targetId: t.id, pool: pool.length, reason: "thin_history" });
        continue;
      }
      const scores = new Map<string, TextScore>();
      const tText = text.get(t.id);
      const tEmb = emb.get(t.id);
      const cands = (shortlist.get(t.id) ?? []).map((id) => byId.get(id)!);
      for (const c of cands) {
        const base = tText?.get(c.id) ?? { trgm: 0, fts: 0 };
        const e = tEmb?.get(c.id);
        scores.set(c.id, e === undefined ? base : { ...base, embedding: e });
      }
      const neighbours = nearest(t, cands, scores, { ...opts2, k });
      results.set(t.id, {
        ok: true,
        targetId: t.id,
        pool: pool.length,
        neighbours,
        stats: neighbourStats(neighbours),
      });
    }
    const usedEmb = [...emb.values()].some((m) => m.size > 0);
    return {
      results,
      pool: pool.length,
      text: {
        trgm: true as const,
        fts: true as const,
        embeddings: usedEmb,
        ...(usedEmb ? { pgvector: await hasVectorColumn(deps.db, tx) } : {}),
        ...(embeddingError ? { embeddingError } : {}),
      },
    };
  });
}
