import { createKeel } from "../app.js";
import type { Io } from "../cli.js";
import { loadConfig } from "../config.js";
import { promptsCommand } from "./prompts.js";
import { usageCommand } from "./usage.js";
import { usagePromptsCommand } from "./usage-prompts.js";

/** `keel usage [--prompts]`: LLM spend, or approval metrics per prompt version. */
export async function usageCli(argv: string[], io: Io): Promise<number> {
  const keel = await createKeel(loadConfig({ LOG_LEVEL: "warn", ...process.env }));
  try {
    if (argv.includes("--prompts"))
      return await usagePromptsCommand(
        argv.filter((a) => a !== "--prompts"),
        io,
        keel.deps,
      );
    return await usageCommand(argv, io, keel.deps);
  } finally {
    await keel.close();
  }
}

/** `keel prompts`: the prompt registry (no database needed). */
export async function promptsCli(argv: string[], io: Io): Promise<number> {
  return promptsCommand(argv, io, { config: loadConfig(process.env) });
}
