// Choosing the store from configuration: Redis when OP_REDIS_URL is set, else the embedded one.
import { keySpace, type KeySpace } from './keys.js';
import { MemoryStore } from './memory-store.js';
import { createRedisClient, parseRedisUrl } from './redis-connection.js';
import { RedisStore } from './redis-store.js';
import type { Store } from './store.js';

export interface StoreHandle {
  store: Store & { readonly description: string };
  keys: KeySpace;
}

/** Connects (Redis) and proves the store answers; throws StoreUnavailableError otherwise. */
export async function openStore(config: { readonly redisUrl: string | undefined; readonly redisPrefix: string; readonly redisTimeoutMs: number }): Promise<StoreHandle> {
  const keys = keySpace(config.redisPrefix);
  if (!config.redisUrl) return { store: new MemoryStore(keys.usedMarker), keys };
  const topology = parseRedisUrl(config.redisUrl);
  const store = new RedisStore(createRedisClient(topology, { commandTimeoutMs: config.redisTimeoutMs }), topology, keys.usedMarker);
  await store.connect();
  return { store, keys };
}
