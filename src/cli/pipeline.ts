import { parseArgs } from "node:util";
import {
  applyPipeline,
  PIPELINE_TEMPLATES,
  parsePipelineFile,
  pipelineWithCounts,
  renderPipelineFile,
} from "../core/features/company/index.js";
import { plural } from "../core/kernel/text.js";
import { printErrors, tenantOf, withDeps } from "./context.js";
import { readInputFile } from "./input-file.js";
import type { CliContext, Io } from "./io.js";

const USAGE = `Usage: keel pipeline show [--tenant SLUG]          print the pipeline as YAML (edit it, then apply)
       keel pipeline apply FILE [--tenant SLUG] [--dry-run]
                                              create, rename (renamed_from), update and remove
                                              (remove: [{stage, move_to}]) stages; YAML or JSON
       keel pipeline templates                the templates \`keel setup --pipeline\` accepts
`;

export async function pipelineCommand(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { tenant: { type: "string", short: "t" }, "dry-run": { type: "boolean" } },
    allowPositionals: true,
  });
  const [sub, file] = positionals;
  if (sub === "templates") {
    for (const t of Object.values(PIPELINE_TEMPLATES))
      io.stdout.write(`${t.id.padEnd(10)} ${t.title}: ${t.stages.map((s) => s.name).join(" → ")}\n`);
    return 0;
  }
  if (sub === "show")
    return withDeps(ctx, async (deps) => {
      const tenant = await tenantOf(deps, values.tenant);
      const p = await pipelineWithCounts(deps, tenant.id);
      if (!p) {
        io.stderr.write(`${tenant.slug} has no pipeline yet; write one and \`keel pipeline apply FILE\`.\n`);
        return 1;
      }
      io.stdout.write(`# ${tenant.name}: deals counts are informational and ignored on apply.\n`);
      io.stdout.write(renderPipelineFile(p.name, p.stages));
      return 0;
    });
  if (sub !== "apply" || !file) {
    io.stderr.write(USAGE);
    return 2;
  }
  const text = await readInputFile(io, "pipeline", file);
  if (text === null) return 2;
  const parsed = parsePipelineFile(text);
  if (!parsed.ok) {
    printErrors(io, `keel pipeline: ${file} is not a valid pipeline file:`, parsed.errors);
    return 2;
  }
  return withDeps(ctx, async (deps) => {
    const tenant = await tenantOf(deps, values.tenant);
    const dry = Boolean(values["dry-run"]);
    const r = await applyPipeline(deps, tenant.id, parsed.file, { dryRun: dry });
    if (!r.ok) {
      printErrors(io, "keel pipeline: nothing was changed; fix these:", r.errors);
      return 2;
    }
    const lines = [
      ...r.created.map((s) => `  + ${s}`),
      ...r.renamed.map((s) => `  ~ ${s.from} → ${s.to} (deals and history kept)`),
      ...r.updated.map((s) => `  ~ ${s}`),
      ...r.removed.map((s) => `  - ${s.stage} (${plural(s.deals, "deal")} moved to ${s.movedTo})`),
    ];
    io.stdout.write(
      `${dry ? "Would change" : "Changed"} the pipeline of ${tenant.slug}: ${r.created.length} created, ${r.renamed.length} renamed, ${r.updated.length} updated, ${r.removed.length} removed, ${r.unchanged.length} unchanged.\n${lines.join("\n")}${lines.length ? "\n" : ""}`,
    );
    return 0;
  });
}
