import pLimit, { type LimitFunction } from "p-limit";

/** A FIFO limiter: at most `concurrency` calls of the returned function run at once (p-limit). */
export function limiter(concurrency: number): LimitFunction {
  return pLimit(Math.max(1, concurrency));
}

/** Maps with at most `concurrency` calls in flight, keeping input order (batch LLM work on 2-core hosts). */
export function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  return limiter(concurrency).map(items, fn);
}

/** Runs `fn` over `items` with at most `concurrency` in flight; items not yet started are skipped once `signal` aborts. */
export async function forEachLimit<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  await limiter(concurrency).map(items, async (item) => {
    if (!signal?.aborted) await fn(item);
  });
}
