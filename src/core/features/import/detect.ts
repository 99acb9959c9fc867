import { planHeader } from "./headers.js";
import { KINDS } from "./kinds/index.js";
import { IMPORT_KINDS, type ImportKind } from "./types.js";

/**
 * Which kind of file a header row is (a file sent in chat carries no `contacts|deals|…` word): the
 * kinds whose required columns are all there, best first by how many of the header's columns they
 * know. Empty when none fits.
 */
export function detectImportKind(header: readonly string[]): ImportKind[] {
  const cols = header.map((h) => h.trim()).filter(Boolean);
  const scored = IMPORT_KINDS.map((kind) => {
    const spec = KINDS[kind]();
    // Names and aliases ("Deal - Title", "Invoice Date") as the import itself will read them.
    const fields = planHeader(kind, cols, Object.keys(spec.columns)).fieldOf.filter((f) => f !== null);
    const fits = spec.required.every((group) => group.some((c) => fields.includes(c)));
    const score = fields.length / Math.max(cols.length, 1);
    return { kind, fits, score };
  }).filter((k) => k.fits && k.score > 0);
  const best = Math.max(0, ...scored.map((k) => k.score));
  return scored.filter((k) => k.score === best).map((k) => k.kind);
}

/** The columns each kind expects (required ones first), for "I could not tell what this file is". */
export function kindColumns(kind: ImportKind): { required: string[][]; columns: string[] } {
  const spec = KINDS[kind]();
  return { required: spec.required, columns: Object.keys(spec.columns) };
}
