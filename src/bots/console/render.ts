import { unicodeChart } from "../../core/kernel/chart/index.js";
import { markdownToPlain } from "../../core/kernel/markdown/index.js";
import { chunkText } from "../../core/kernel/render/chunk.js";
import type { Reply } from "../../core/ports/reply.js";

/** Console rendering (fields aligned, actions as numbered choices): the plain dialect of core Markdown. */
export const stripMarkdown = markdownToPlain;

/** The reply as terminal messages, each within the console's limit. */
export function renderConsoleMessages(reply: Reply, max: number): string[] {
  return chunkText(renderConsole(reply), max);
}

export function renderConsole(reply: Reply): string {
  const out: string[] = [stripMarkdown(reply.text)];
  if (reply.fields?.length) {
    const w = Math.max(...reply.fields.map((f) => f.label.length));
    out.push("", ...reply.fields.map((f) => `  ${f.label.padEnd(w)}  ${stripMarkdown(f.value)}`));
  }
  for (const s of reply.sections ?? []) {
    out.push("");
    if (s.title) out.push(`${s.title}:`);
    if (s.text) out.push(stripMarkdown(s.text));
    for (const f of s.fields ?? []) out.push(`  ${f.label}: ${stripMarkdown(f.value)}`);
  }
  if (reply.image?.charts?.length) {
    // The terminal shows no images: the same chart data drawn as text rows.
    for (const c of reply.image.charts) out.push("", unicodeChart(c));
    if (reply.image.path) out.push(`[chart saved to ${reply.image.path}]`);
  } else if (reply.image)
    out.push("", `[chart: ${reply.image.alt}${reply.image.path ? ` — saved to ${reply.image.path}` : ""}]`);
  if (reply.actions?.length) {
    out.push(
      "",
      reply.actions.map((a, i) => `[${i + 1}] ${a.label}`).join("   "),
      "Reply with a number to choose.",
    );
  }
  return out.join("\n");
}
