// A pending login travels sealed in a cookie bound to the browser (flows/interactions.ts); what
// the store keeps is its single-use marker, so a login form can be completed once, and the
// authorization request of a login too large for a cookie.
import type { AuthorizationRequest } from '../protocol/authorize/request.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export class InteractionStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** Atomic (SET NX): true for the first caller only, until `ttlMs` has passed. */
  claim(interactionId: string, ttlMs: number): Promise<boolean> {
    return this.store.setIfAbsent(this.keys.interactionUsed(interactionId), 1, ttlMs);
  }

  /** Keep the request of an interaction whose cookie would be too large (sent with other writes). */
  saveRequestOps(interactionId: string, request: AuthorizationRequest, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.interactionRequest(interactionId), value: request as never, ttlMs }];
  }

  findRequest(interactionId: string): Promise<AuthorizationRequest | null> {
    return this.store.get<never>(this.keys.interactionRequest(interactionId)) as Promise<AuthorizationRequest | null>;
  }

  /** One more rejected identity number for this interaction; the new count (atomic). */
  countRejection(interactionId: string, ttlMs: number): Promise<number> {
    return this.store.increment(this.keys.interactionRejections(interactionId), 1, ttlMs);
  }

  /** How many identity numbers this interaction has rejected so far. */
  async rejections(interactionId: string): Promise<number> {
    return Number((await this.store.get<number>(this.keys.interactionRejections(interactionId))) ?? 0);
  }

  deleteRequestOps(interactionId: string): WriteOp[] {
    return [{ op: 'del', key: this.keys.interactionRequest(interactionId) }];
  }
}
