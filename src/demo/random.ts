/** Small seeded PRNG so demo data and benchmarks are identical on every run and machine (kernel/random). */
import type { Rng } from "../core/kernel/random.js";

export type { Rng } from "../core/kernel/random.js";
export { mulberry32, randNormal } from "../core/kernel/random.js";

/** Uniform integer in [min, max] inclusive. */
export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** One element chosen uniformly; throws on an empty list (a programming error). */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick() from an empty list");
  return item;
}
