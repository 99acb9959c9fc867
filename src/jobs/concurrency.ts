/** Runs `fn` over `items` with at most `limit` in flight; stops taking new items once `signal` aborts. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
