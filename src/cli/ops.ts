import { createKeel } from "../app.js";
import type { CliContext, Io } from "./io.js";
import { promptsCommand } from "./prompts.js";
import { usageCommand } from "./usage.js";
import { usagePromptsCommand } from "./usage-prompts.js";

/** `keel usage [--prompts]`: LLM spend, or approval metrics per prompt version. */
export async function usageCli(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  const keel = await createKeel(ctx.config, { logger: ctx.logger });
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
export async function promptsCli(argv: string[], io: Io, ctx: CliContext): Promise<number> {
  return promptsCommand(argv, io, ctx);
}
