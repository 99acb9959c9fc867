import type { ChatMessage } from "../../ports/llm.js";
import { LlmError } from "./errors.js";
import { countMessageTokens } from "./tokens.js";

/** Above this share of the window a warning is attached to the call's meta. */
export const WARN_AT = 0.75;
/** Above this share the history is truncated until the request fits under it again. */
export const TRUNCATE_AT = 0.85;

export type TruncationStrategy = "sliding_window" | "keep_ends";

export interface FitResult {
  messages: ChatMessage[];
  tokensIn: number;
  /** (input + reserved output) / window after fitting. */
  usage: number;
  warnings: string[];
  dropped: number;
}

/**
 * Fits a request into the model's window. Budget = input tokens + the prompt's max output tokens.
 * The system prompt and the current (last) user message are never dropped:
 * - `sliding_window` drops the oldest history messages first;
 * - `keep_ends` keeps the first history message (usually what the conversation is about) and
 *   drops from the middle, so system + first + most recent survive.
 * If system + current message alone exceed the threshold, the input is too big: `context_overflow`.
 */
export function fitContext(
  messages: ChatMessage[],
  opts: { model: string; limit: number; maxOutputTokens: number; strategy: TruncationStrategy },
): FitResult {
  const budget = (msgs: ChatMessage[]) => countMessageTokens(msgs, opts.model);
  const share = (tokens: number) => (tokens + opts.maxOutputTokens) / opts.limit;
  let tokensIn = budget(messages);
  const warnings: string[] = [];
  if (share(tokensIn) <= TRUNCATE_AT) {
    if (share(tokensIn) >= WARN_AT)
      warnings.push(`context ${Math.round(share(tokensIn) * 100)}% of ${opts.limit} tokens`);
    return { messages, tokensIn, usage: share(tokensIn), warnings, dropped: 0 };
  }
  const system = messages[0]?.role === "system" ? [messages[0]] : [];
  const current = messages.slice(-1);
  const history = messages.slice(system.length, -1);
  const first = opts.strategy === "keep_ends" ? history.slice(0, 1) : [];
  let middle = opts.strategy === "keep_ends" ? history.slice(1) : history;
  const assemble = () => [...system, ...first, ...middle, ...current];
  let kept = assemble();
  tokensIn = budget(kept);
  while (share(tokensIn) > TRUNCATE_AT && middle.length > 0) {
    middle = middle.slice(1);
    kept = assemble();
    tokensIn = budget(kept);
  }
  if (share(tokensIn) > TRUNCATE_AT && first.length > 0) {
    first.length = 0;
    kept = assemble();
    tokensIn = budget(kept);
  }
  if (share(tokensIn) > TRUNCATE_AT) {
    throw new LlmError(
      "context_overflow",
      `request needs ${tokensIn} + ${opts.maxOutputTokens} tokens, ${Math.round(TRUNCATE_AT * 100)}% of the ${opts.limit}-token window is ${Math.floor(TRUNCATE_AT * opts.limit)}`,
    );
  }
  const dropped = messages.length - kept.length;
  warnings.push(`context truncated (${opts.strategy}): dropped ${dropped} history message(s)`);
  return { messages: kept, tokensIn, usage: share(tokensIn), warnings, dropped };
}
