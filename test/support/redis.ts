// How tests find Redis: OP_TEST_REDIS_URL, else the local server on 127.0.0.1:6379.
// Each test gets its own key prefix and removes its keys afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const testRedisUrl = process.env.OP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label = 't'): string {
  return `optest:${label}:${randomBytes(6).toString('hex')}:`;
}

/** Delete every key under `prefix` (SCAN, never KEYS). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Keys currently under `prefix`, with their TTL in ms (-1: none). */
export async function listKeys(prefix: string): Promise<Map<string, number>> {
  const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const found = new Map<string, number>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) found.set(key, await redis.pttl(key));
    } while (cursor !== '0');
    return found;
  } finally {
    redis.disconnect();
  }
}
