import type { Store } from "../../ports/store.js";
import { MemoryStore } from "./memory-store.js";

export type { RedisStore } from "./redis-store.js";
export { MemoryStore };

/** Redis when a URL is given (ioredis is loaded only then), else the in-process store. */
export async function openStore(redisUrl: string | undefined, prefix?: string): Promise<Store> {
  if (!redisUrl) return new MemoryStore();
  const { RedisStore } = await import("./redis-store.js");
  return RedisStore.connect(redisUrl, prefix);
}
