import type { Store } from "../../ports/store.js";
import { MemoryStore } from "./memory-store.js";
import { RedisStore } from "./redis-store.js";

export { MemoryStore, RedisStore };

export async function openStore(redisUrl: string | undefined, prefix?: string): Promise<Store> {
  return redisUrl ? RedisStore.connect(redisUrl, prefix) : new MemoryStore();
}
