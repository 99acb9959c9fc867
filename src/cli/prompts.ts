import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import {
  DEFAULT_PROMPTS_DIR,
  loadPromptRegistry,
  type PromptRegistry,
  PromptRegistryError,
} from "../core/infra/llm/index.js";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const USAGE = "Usage: keel prompts [--json] [--hashes]\n";

/** released (hash pinned and matching), draft (not in RELEASED.json) or MODIFIED (edited after release). */
export function releaseStatus(
  reg: PromptRegistry,
  file: string,
  hash: string,
): "released" | "draft" | "MODIFIED" {
  const pinned = reg.released()[file];
  return pinned === undefined ? "draft" : pinned === hash ? "released" : "MODIFIED";
}

/**
 * `keel prompts`: lists every prompt version with its tier, sampling settings, variables and release
 * status; `--hashes` prints the RELEASED.json content for the current files. Exit 1 when a
 * released file was edited, 2 when a prompt file is invalid (the message names it).
 */
export async function promptsCommand(argv: string[], io: Io, deps: { config: Config }): Promise<number> {
  let values: { json?: boolean; hashes?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { json: { type: "boolean" }, hashes: { type: "boolean" } },
    }));
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let reg: PromptRegistry;
  try {
    reg = loadPromptRegistry(deps.config.llm.LLM_PROMPTS_DIR ?? DEFAULT_PROMPTS_DIR);
  } catch (e) {
    if (e instanceof PromptRegistryError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const list = reg.list().sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version);
  if (values.hashes) {
    io.stdout.write(`${JSON.stringify(Object.fromEntries(list.map((p) => [p.file, p.hash])), null, 2)}\n`);
    return 0;
  }
  const rows = list.map((p) => ({
    id: p.id,
    version: p.version,
    kind: p.kind,
    tier: p.tier,
    temperature: p.temperature,
    maxTokens: p.maxTokens,
    output: p.output,
    variables: p.variables,
    file: p.file,
    status: releaseStatus(reg, p.file, p.hash),
  }));
  if (values.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else {
    const w = Math.max(...rows.map((r) => `${r.id}@${r.version}`.length));
    for (const r of rows)
      io.stdout.write(
        `${`${r.id}@${r.version}`.padEnd(w)}  ${r.tier.padEnd(5)}  t=${r.temperature}  max=${String(r.maxTokens).padEnd(4)}  ${r.output.padEnd(4)}  ${r.status.padEnd(8)}  ${r.variables.join(", ")}\n`,
      );
  }
  return rows.some((r) => r.status === "MODIFIED") ? 1 : 0;
}
