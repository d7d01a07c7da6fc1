// TOKEN-07 RFC 7523 §3 item 7: the jti of every accepted client assertion, remembered until the
// assertion could no longer be accepted. One SET NX: of two concurrent uses exactly one wins.
import type { KeySpace } from './keys.js';
import type { Store } from './store.js';

export class AssertionJtiStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** True when this is the first use of `jti` by `clientId`. */
  remember(clientId: string, jti: string, ttlMs: number): Promise<boolean> {
    return this.store.setIfAbsent(this.keys.assertionJti(clientId, jti), 1, ttlMs);
  }
}
