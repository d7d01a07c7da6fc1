// Pushed authorization requests (PAR-04…08, RFC 9126): the validated request, kept under the
// random part of its request_uri until first use or expiry.
import type { PushedRequestRecord } from '../protocol/authorize/pushed-request.js';
import type { KeySpace } from './keys.js';
import type { Store } from './store.js';

export class PushedRequestStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  save(handle: string, record: PushedRequestRecord, lifetimeMs: number): Promise<void> {
    return this.store.set(this.keys.pushedRequest(handle), record as never, lifetimeMs);
  }

  /**
   * PAR-08 RFC 9126 §4: consumed atomically at the first resolution by the client that pushed it;
   * a use with another client_id is refused without consuming it (PAR-07).
   */
  async take(handle: string, clientId: string, lifetimeMs: number): Promise<PushedRequestRecord | null> {
    const redemption = await this.store.redeem<never>(this.keys.pushedRequest(handle), lifetimeMs, [{ field: 'client_id', equals: clientId }]);
    return redemption.state === 'fresh' ? (redemption.value as PushedRequestRecord) : null;
  }
}
