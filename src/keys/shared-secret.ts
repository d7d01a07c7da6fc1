// A symmetric secret every instance must share (the interaction cookie key). Configured in prod;
// in test mode generated once and shared through the store like the signing key.
import { randomBytes } from 'node:crypto';
import type { KeySpace } from '../store/keys.js';
import { SharedValueStore } from '../store/shared-values.js';
import type { Store } from '../store/store.js';

export async function loadSharedSecret(name: string, configured: string | undefined, store: Store, keys: KeySpace): Promise<string> {
  if (configured) return configured;
  const { value } = await new SharedValueStore(store, keys).secret(name, randomBytes(32).toString('base64url'));
  if (typeof value !== 'string') throw new Error(`the shared secret ${name} vanished from the store while starting; start again`);
  return value;
}
