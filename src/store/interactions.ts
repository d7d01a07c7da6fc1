// A pending login travels sealed in a cookie bound to the browser (flows/interactions.ts); what
// the store keeps is only its single-use marker, so a login form can be completed once.
import type { KeySpace } from './keys.js';
import type { Store } from './store.js';

export class InteractionStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** Atomic (SET NX): true for the first caller only, until `ttlMs` has passed. */
  claim(interactionId: string, ttlMs: number): Promise<boolean> {
    return this.store.setIfAbsent(this.keys.interactionUsed(interactionId), 1, ttlMs);
  }
}
