/** Similar deals in words and as a reply section (figures computed here, never by a model). */
import { formatMoney } from "../../kernel/format.js";
import { plural } from "../../kernel/text.js";
import type { Section, Source } from "../../ports/reply.js";
import type { SimilarResult, SimilarSearch } from "./search.js";

/** "7 similar deals: 4 won, 3 lost; the won ones took a median 38 days from Negotiation to close." */
export function similarHeadline(r: SimilarResult, stageName: string): string {
  if (!r.ok)
    return r.pool === 0
      ? "No closed deals yet to compare with."
      : `Only ${plural(r.pool, "closed deal")} so far: too few to compare with (similar deals need at least 5).`;
  const s = r.stats;
  const n = r.neighbours.length;
  const parts = [`${plural(n, "similar deal")}: ${s.won} won, ${s.lost} lost`];
  if (s.reached < n) parts.push(`${s.reached} of them reached ${stageName} (${s.wonReached} won)`);
  const timing =
    s.medianDaysFromStage !== null
      ? `the won ones took a median ${plural(s.medianDaysFromStage, "day")} from ${stageName} to close`
      : `none of the won ones passed through ${stageName}, so no timing from this stage`;
  return `${parts.join("; ")}; ${timing}.`;
}

export function similarSection(r: SimilarResult, stageName: string): Section {
  const head = similarHeadline(r, stageName);
  if (!r.ok) return { title: "Similar past deals", text: head };
  const lines = r.neighbours
    .slice(0, 5)
    .map(
      (n) =>
        `• ${n.name} — ${n.status}, ${formatMoney(n.valueMinor, n.currency)}${n.daysFromStage !== null ? `, ${plural(n.daysFromStage, "day")} from ${stageName}` : ""} (similarity ${n.score.toFixed(2)})`,
    );
  return { title: "Similar past deals", text: [head, ...lines].join("\n") };
}

export function similarSource(s: SimilarSearch, scope: "tenant" | "own"): Source {
  const text = [
    "pg_trgm name similarity",
    "full-text rank of notes",
    ...(s.text.embeddings ? [`embedding cosine (${s.text.pgvector ? "pgvector" : "real[] in SQL"})`] : []),
  ].join(", ");
  return {
    label: "Similar deals",
    detail: `${s.pool} most recent closed deals${scope === "own" ? " you own" : ""}; weights: stage path 0.25, value 0.2, customer 0.15, owner 0.1, cycle 0.1, text 0.2 (${text})`,
  };
}
