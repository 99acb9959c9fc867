import { createRequire } from "node:module";
import { z } from "zod";
import type { StageSpec } from "./templates.js";

// yaml (70 modules) loads on the first pipeline file read or written, not with the company feature.
const require = createRequire(import.meta.url);
const yaml = () => require("yaml") as typeof import("yaml");

/**
 * The pipeline file `keel pipeline show` prints and `keel pipeline apply FILE` reads (YAML or JSON).
 * Stages are matched to the existing ones by name; `renamed_from` renames a stage in place (its deals
 * and their stage history stay); an existing stage left out must be listed under `remove` with the
 * stage its deals move to.
 */
const probability = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?%$/, "a share like 0.4 or 40%")])
  .transform((v) => (typeof v === "number" ? v : Number(v.slice(0, -1)) / 100))
  .pipe(z.number().min(0, "at least 0").max(1, "at most 1 (100%)"));

const stageSchema = z
  .object({
    name: z.string().trim().min(1, "a stage needs a name").max(80),
    probability,
    cycle_days: z.number().int().min(0).max(3650).default(14),
    stuck_after_days: z.number().int().min(1).max(9999).default(30),
    checklist: z.array(z.string().trim().min(1)).default([]),
    type: z.enum(["open", "invoiced", "won", "lost"]).default("open"),
    renamed_from: z.string().trim().min(1).optional(),
    /** Informational in `show` output; ignored on apply. */
    deals: z.number().int().optional(),
  })
  .strict();

export const pipelineFileSchema = z
  .object({
    pipeline: z.string().trim().min(1).default("Sales"),
    stages: z.array(stageSchema).min(2, "a pipeline needs at least two stages"),
    remove: z
      .array(z.object({ stage: z.string().trim().min(1), move_to: z.string().trim().min(1) }).strict())
      .default([]),
  })
  .strict();

export type PipelineFile = z.infer<typeof pipelineFileSchema>;
export type StageEntry = StageSpec & { renamedFrom?: string };

/** Parses YAML or JSON (JSON is YAML) into a pipeline file, or every problem found, each with its path. */
export function parsePipelineFile(
  text: string,
): { ok: true; file: PipelineFile } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = yaml().parse(text);
  } catch (e) {
    return { ok: false, errors: [`not valid YAML or JSON: ${(e as Error).message.split("\n")[0]}`] };
  }
  const parsed = pipelineFileSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join(".") || "file"}: ${i.message}`),
    };
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const s of parsed.data.stages) {
    const k = s.name.toLowerCase();
    if (seen.has(k)) errors.push(`stages: "${s.name}" is listed twice`);
    seen.add(k);
  }
  for (const t of ["won", "lost"] as const)
    if (parsed.data.stages.filter((s) => s.type === t).length > 1)
      errors.push(`stages: only one stage may be of type ${t}`);
  return errors.length ? { ok: false, errors } : { ok: true, file: parsed.data };
}

export function toStageEntries(file: PipelineFile): StageEntry[] {
  return file.stages.map((s) => ({
    name: s.name,
    probability: s.probability,
    cycleDays: s.cycle_days,
    stuckAfterDays: s.stuck_after_days,
    checklist: s.checklist,
    isInvoiced: s.type === "invoiced",
    isWon: s.type === "won",
    isLost: s.type === "lost",
    renamedFrom: s.renamed_from,
  }));
}

export function stageType(s: StageSpec): "open" | "invoiced" | "won" | "lost" {
  return s.isWon ? "won" : s.isLost ? "lost" : s.isInvoiced ? "invoiced" : "open";
}

/** The YAML `keel pipeline show` prints; applying it unchanged changes nothing. */
export function renderPipelineFile(name: string, list: (StageSpec & { deals?: number })[]): string {
  return yaml().stringify({
    pipeline: name,
    stages: list.map((s) => ({
      name: s.name,
      probability: s.probability,
      cycle_days: s.cycleDays,
      stuck_after_days: s.stuckAfterDays,
      checklist: s.checklist,
      type: stageType(s),
      ...(s.deals === undefined ? {} : { deals: s.deals }),
    })),
  });
}
