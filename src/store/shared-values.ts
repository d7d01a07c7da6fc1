// Values every instance must hold alike but that test mode generates (the signing key without a
// keys file, the cookie secret): the first instance's value wins (SET NX) and every later one
// adopts it. The embedded store has one instance, so it keeps its own value.
import type { KeySpace } from './keys.js';
import type { Json, Store } from './store.js';

const sharedTtlMs = 90 * 24 * 3600 * 1000;

export class SharedValueStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /**
   * `generated` if this instance is the first, else the value the first one stored; null in the
   * rare case that value expired between the two commands (the caller asks to start again).
   */
  async adopt<T extends Json>(key: string, generated: T): Promise<{ value: T | null; created: boolean }> {
    if (this.store.kind === 'memory') return { value: generated, created: true };
    const created = await this.store.setIfAbsent(key, generated, sharedTtlMs);
    const value = created ? generated : await this.store.get<T>(key);
    if (value !== null) await this.store.write([{ op: 'expire', key, ttlMs: sharedTtlMs }]);
    return { value, created };
  }

  signingKey<T extends Json>(generated: T): Promise<{ value: T | null; created: boolean }> {
    return this.adopt(this.keys.sharedSigningKey(), generated);
  }

  secret(name: string, generated: string): Promise<{ value: string | null; created: boolean }> {
    return this.adopt(this.keys.sharedSecret(name), generated);
  }
}
