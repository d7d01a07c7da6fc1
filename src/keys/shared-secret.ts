// A symmetric secret every instance must share (the interaction cookie key). Configured in prod;
// in test mode generated once and shared through the store like the signing key.
import { randomBytes } from 'node:crypto';
import type { KeySpace } from '../store/keys.js';
import type { Store } from '../store/store.js';

const ttlMs = 90 * 24 * 3600 * 1000;

export async function loadSharedSecret(name: string, configured: string | undefined, store: Store, keys: KeySpace): Promise<string> {
  if (configured) return configured;
  const generated = randomBytes(32).toString('base64url');
  if (store.kind === 'memory') return generated;
  const key = keys.sharedSecret(name);
  if (await store.setIfAbsent(key, generated, ttlMs)) return generated;
  const shared = await store.get<string>(key);
  if (typeof shared !== 'string') throw new Error(`the shared secret ${name} vanished from the store while starting; start again`);
  await store.write([{ op: 'expire', key, ttlMs }]);
  return shared;
}
