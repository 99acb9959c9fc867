import type { ZodType } from "zod";

/**
 * Pulls a JSON value out of model text: the whole text, else the first ```json (or bare ```)
 * fenced block, else the outermost {...} / [...] span. Returns undefined when nothing parses.
 */
export function extractJson(text: string): unknown {
  const attempts: string[] = [text.trim()];
  for (const m of text.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g))
    if (m[1]) attempts.push(m[1].trim());
  const obj = text.indexOf("{");
  const objEnd = text.lastIndexOf("}");
  if (obj >= 0 && objEnd > obj) attempts.push(text.slice(obj, objEnd + 1));
  const arr = text.indexOf("[");
  const arrEnd = text.lastIndexOf("]");
  if (arr >= 0 && arrEnd > arr) attempts.push(text.slice(arr, arrEnd + 1));
  for (const a of attempts) {
    try {
      return JSON.parse(a);
    } catch {
      /* next candidate */
    }
  }
  return undefined;
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Extracts and validates; the error text is what the repair request sends back to the model. */
export function parseStructured<T>(schema: ZodType<T>, text: string): ParseOutcome<T> {
  const raw = extractJson(text);
  if (raw === undefined) return { ok: false, error: "the reply contained no parseable JSON" };
  const res = schema.safeParse(raw);
  if (res.success) return { ok: true, value: res.data };
  const issues = res.error.issues
    .slice(0, 8)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `the JSON did not match the schema — ${issues}` };
}

export function repairInstruction(error: string): string {
  return `Your previous reply could not be used: ${error}. Reply again with only one JSON object that fixes this, no prose and no code fences.`;
}
