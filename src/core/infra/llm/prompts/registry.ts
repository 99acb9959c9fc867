import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { LlmError } from "../errors.js";
import type { Tier } from "../types.js";
import { parseFrontMatter } from "./front-matter.js";

/**
 * Versioned prompt files: `prompts/<feature>/<name>.v<N>.md`, front matter + body. The body has an
 * optional `## system` section and a `## user` section (a `kind: system` file is all system text and
 * is reused by others through `system: <id>@<version>`). Everything is validated at start: a bad
 * file stops the process with its path in the message.
 */
export interface PromptDef {
  id: string;
  version: number;
  kind: "prompt" | "system";
  tier: Tier;
  temperature: number;
  maxTokens: number;
  output: "text" | "json";
  variables: string[];
  description: string;
  /** Path relative to the prompts folder, e.g. "coach/answer.v1.md". */
  file: string;
  /** sha256 of the file bytes (RELEASED.json pins these). */
  hash: string;
  system: string;
  user: string;
}

export interface RenderedPrompt {
  def: PromptDef;
  system: string;
  user: string;
}

export interface PromptRegistry {
  readonly dir: string;
  list(): PromptDef[];
  /** The pinned version, or the highest version of `id`. */
  get(id: string, version?: number): PromptDef;
  render(id: string, variables: Record<string, unknown>, version?: number): RenderedPrompt;
  /** RELEASED.json's hashes (file → sha256), empty when the file is absent. */
  released(): Record<string, string>;
}

export class PromptRegistryError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Prompt file ${file}: ${problem}`);
    this.name = "PromptRegistryError";
  }
}

const FILE_RE = /^([a-z][a-z0-9_]*)\.v([1-9]\d*)\.md$/;
const IDENT = /^[a-z][a-z0-9_]*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

const metaSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "feature.name in lower snake case"),
  version: z.number().int().positive(),
  kind: z.enum(["prompt", "system"]).default("prompt"),
  tier: z.enum(["small", "large", "local"]),
  temperature: z.number().min(0).max(2),
  max_tokens: z.number().int().min(1).max(32_000),
  output: z.enum(["text", "json"]).default("text"),
  variables: z.array(z.string().regex(IDENT, "variable names are lower snake case")).default([]),
  description: z.string().default(""),
  system: z
    .string()
    .regex(/^[a-z0-9_.]+@\d+$/, "a reference like coach.system@1")
    .optional(),
});

function splitSections(body: string): { system: string; user: string } {
  const sys = body.match(/^## system[ \t]*\n([\s\S]*?)(?=^## user[ \t]*$|(?![\s\S]))/m);
  const user = body.match(/^## user[ \t]*\n([\s\S]*)$/m);
  if (!sys && !user) return { system: "", user: body.trim() };
  return { system: (sys?.[1] ?? "").trim(), user: (user?.[1] ?? "").trim() };
}

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""));
}

function loadFile(dir: string, feature: string, name: string): PromptDef {
  const file = `${feature}/${name}`;
  const m = name.match(FILE_RE);
  if (!m) throw new PromptRegistryError(file, "file name must be <name>.v<N>.md in lower snake case");
  const bytes = readFileSync(join(dir, feature, name));
  let parsed: ReturnType<typeof parseFrontMatter>;
  try {
    parsed = parseFrontMatter(bytes.toString("utf8"));
  } catch (e) {
    throw new PromptRegistryError(file, (e as Error).message);
  }
  const meta = metaSchema.safeParse(parsed.data);
  if (!meta.success)
    throw new PromptRegistryError(
      file,
      meta.error.issues.map((i) => `${i.path.join(".") || "front matter"}: ${i.message}`).join("; "),
    );
  const d = meta.data;
  if (d.id !== `${feature}.${m[1]}`)
    throw new PromptRegistryError(file, `id "${d.id}" must be "${feature}.${m[1]}" (folder.name)`);
  if (d.version !== Number(m[2]))
    throw new PromptRegistryError(file, `version ${d.version} does not match the file name (v${m[2]})`);
  const sections =
    d.kind === "system" ? { system: parsed.body.trim(), user: "" } : splitSections(parsed.body);
  if (d.kind === "prompt" && !sections.user)
    throw new PromptRegistryError(file, "empty user prompt (add a '## user' section)");
  const used = placeholders(`${sections.system}\n${sections.user}`);
  const declared = new Set(d.variables);
  const undeclared = [...used].filter((v) => !declared.has(v));
  if (undeclared.length)
    throw new PromptRegistryError(file, `uses undeclared variables: ${undeclared.join(", ")}`);
  return {
    id: d.id,
    version: d.version,
    kind: d.kind,
    tier: d.tier,
    temperature: d.temperature,
    maxTokens: d.max_tokens,
    output: d.output,
    variables: d.variables,
    description: d.description,
    file,
    hash: createHash("sha256").update(bytes).digest("hex"),
    system: d.system ? `@@${d.system}@@\n${sections.system}`.trim() : sections.system,
    user: sections.user,
  };
}

function renderText(def: PromptDef, text: string, vars: Record<string, unknown>): string {
  return text.replace(PLACEHOLDER, (_all, name: string) => {
    const v = vars[name];
    if (v === undefined || v === null)
      throw new LlmError("prompt_variable_missing", `${def.id}@${def.version} needs variable "${name}"`, {
        code: "provider_error",
      });
    return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

/** Loads and validates every prompt under `dir`. Throws PromptRegistryError naming the file. */
export function loadPromptRegistry(dir: string): PromptRegistry {
  if (!existsSync(dir)) throw new PromptRegistryError(dir, "prompts folder not found (set LLM_PROMPTS_DIR)");
  const byId = new Map<string, PromptDef[]>();
  for (const feature of readdirSync(dir).sort()) {
    if (!statSync(join(dir, feature)).isDirectory()) continue;
    if (!IDENT.test(feature))
      throw new PromptRegistryError(feature, "feature folder names are lower snake case");
    for (const name of readdirSync(join(dir, feature)).sort()) {
      if (!name.endsWith(".md")) continue;
      const def = loadFile(dir, feature, name);
      byId.set(
        def.id,
        [...(byId.get(def.id) ?? []), def].sort((a, b) => a.version - b.version),
      );
    }
  }
  // Resolve `system: id@v` references now, so a dangling one fails at start, not at first use.
  const find = (id: string, version?: number) => {
    const versions = byId.get(id);
    return version === undefined ? versions?.at(-1) : versions?.find((p) => p.version === version);
  };
  for (const defs of byId.values())
    for (const def of defs) {
      const ref = def.system.match(/^@@([a-z0-9_.]+)@(\d+)@@\n?/);
      if (!ref) continue;
      const target = find(ref[1] ?? "", Number(ref[2]));
      if (target?.kind !== "system")
        throw new PromptRegistryError(
          def.file,
          `system reference ${ref[1]}@${ref[2]} is not a system prompt`,
        );
      const extra = placeholders(target.system);
      if ([...extra].some((v) => !def.variables.includes(v)))
        throw new PromptRegistryError(
          def.file,
          `system prompt ${ref[1]}@${ref[2]} needs variables this prompt does not declare`,
        );
      def.system = `${target.system}\n\n${def.system.slice(ref[0].length)}`.trim();
    }
  for (const def of [...byId.values()].flat()) {
    const used = placeholders(`${def.system}\n${def.user}`);
    const unused = def.variables.filter((v) => !used.has(v));
    if (unused.length)
      throw new PromptRegistryError(def.file, `declares variables it never uses: ${unused.join(", ")}`);
  }
  const releasedPath = join(dir, "RELEASED.json");
  let released: Record<string, string> = {};
  if (existsSync(releasedPath)) {
    try {
      released = JSON.parse(readFileSync(releasedPath, "utf8")) as Record<string, string>;
    } catch (e) {
      throw new PromptRegistryError("RELEASED.json", `is not valid JSON (${(e as Error).message})`);
    }
  }
  return {
    dir,
    list: () => [...byId.values()].flat(),
    get(id, version) {
      const def = find(id, version);
      if (!def) throw new LlmError("prompt_unknown", `unknown prompt ${id}${version ? `@${version}` : ""}`);
      return def;
    },
    render(id, variables, version) {
      const def = this.get(id, version);
      return {
        def,
        system: renderText(def, def.system, variables),
        user: renderText(def, def.user, variables),
      };
    },
    released: () => released,
  };
}
