import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PROMPTS_DIR,
  isLlmError,
  loadPromptRegistry,
  PromptRegistryError,
} from "../../../src/core/infra/llm/index.js";

const GOOD = `---
id: demo.hello
version: 1
tier: small
temperature: 0.2
max_tokens: 100
variables: [name]
---
## system
Be nice.

## user
Say hello to {{name}}.
`;

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "keel-prompts-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path.split("/")[0]!), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function loadError(files: Record<string, string>): string {
  try {
    loadPromptRegistry(dirWith(files));
  } catch (e) {
    expect(e).toBeInstanceOf(PromptRegistryError);
    return (e as Error).message;
  }
  throw new Error("expected the registry to reject these files");
}

describe("prompt registry", () => {
  it("loads, picks the latest version unless pinned, and renders variables", () => {
    const reg = loadPromptRegistry(
      dirWith({
        "demo/hello.v1.md": GOOD,
        "demo/hello.v2.md": GOOD.replace("version: 1", "version: 2").replace("Say hello", "Greet"),
      }),
    );
    expect(reg.get("demo.hello").version).toBe(2);
    expect(reg.render("demo.hello", { name: "Ann" }, 1)).toMatchObject({
      system: "Be nice.",
      user: "Say hello to Ann.",
    });
    expect(reg.render("demo.hello", { name: "Ann" }).user).toBe("Greet to Ann.");
  });

  it("fails rendering on a missing variable with a typed error", () => {
    const reg = loadPromptRegistry(dirWith({ "demo/hello.v1.md": GOOD }));
    try {
      reg.render("demo.hello", {});
      expect.unreachable();
    } catch (e) {
      expect(isLlmError(e) && e.subCode).toBe("prompt_variable_missing");
      expect((e as Error).message).toContain('demo.hello@1 needs variable "name"');
    }
  });

  it.each([
    ["no front matter", "Hello {{name}}", /demo\/hello\.v1\.md: missing front matter/],
    ["a bad tier", GOOD.replace("tier: small", "tier: huge"), /demo\/hello\.v1\.md: tier: /],
    [
      "an id that does not match the path",
      GOOD.replace("id: demo.hello", "id: demo.other"),
      /id "demo.other" must be "demo.hello"/,
    ],
    [
      "a version that does not match the file name",
      GOOD.replace("version: 1", "version: 3"),
      /version 3 does not match the file name \(v1\)/,
    ],
    [
      "an undeclared variable",
      GOOD.replace("{{name}}", "{{name}} {{city}}"),
      /uses undeclared variables: city/,
    ],
    ["an unused variable", GOOD.replace("[name]", "[name, city]"), /declares variables it never uses: city/],
    ["a missing temperature", GOOD.replace("temperature: 0.2\n", ""), /temperature: /],
    [
      "a dangling system reference",
      GOOD.replace("variables:", "system: demo.persona@1\nvariables:"),
      /system reference demo.persona@1 is not a system prompt/,
    ],
  ])("stops start-up naming the file for %s", (_what, text, message) => {
    expect(loadError({ "demo/hello.v1.md": text })).toMatch(message);
  });

  it("rejects badly named files", () => {
    expect(loadError({ "demo/Hello-v1.md": GOOD })).toMatch(
      /demo\/Hello-v1\.md: file name must be <name>\.v<N>\.md/,
    );
  });

  it("loads every prompt the product ships", () => {
    const reg = loadPromptRegistry(DEFAULT_PROMPTS_DIR);
    const ids = reg.list().map((p) => p.id);
    for (const id of [
      "coach.system",
      "coach.answer",
      "coach.summarize_history",
      "intent.classify",
      "deal.summarize",
      "deal.stage_checklist",
      "draft.followup_email",
      "draft.reminder_whatsapp",
      "draft.reminder_email",
      "notes.summarize",
      "cashflow.predict_dates",
      "goal.extract_intent",
      "goal.smart_goals",
    ])
      expect(ids).toContain(id);
  });
});

describe("released prompt versions are never edited", () => {
  const released = JSON.parse(readFileSync(join(DEFAULT_PROMPTS_DIR, "RELEASED.json"), "utf8")) as Record<
    string,
    string
  >;

  it.each(Object.entries(released))("%s still has its released content hash", (file, hash) => {
    const actual = createHash("sha256")
      .update(readFileSync(join(DEFAULT_PROMPTS_DIR, file)))
      .digest("hex");
    expect(actual, `${file} was edited after release: add a new version (v<N+1>) instead`).toBe(hash);
  });
});
