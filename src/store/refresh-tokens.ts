// Refresh tokens (TOKEN-13…16): stored only under their hash and listed under their grant.
// ONETIME tokens are redeemed atomically (a second use is a replay, RFC 9700 §4.14.2); REUSE
// tokens are read and renewed. The rules are protocol/token/refresh-token-grant.ts.
import type { RefreshTokenRecord } from '../protocol/token/refresh-token-grant.js';
import { refreshTokenMember, type GrantStore } from './grants.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Redemption, Store, WriteOp } from './store.js';

export class RefreshTokenStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
    private readonly grants: GrantStore,
  ) {}

  #key(token: string): string {
    return this.keys.refreshToken(storageHash(token));
  }

  #ttl(record: RefreshTokenRecord, nowMs: number): number {
    return Math.max(1, Math.min(record.expires_at, record.grant_expires_at) - nowMs);
  }

  /** Save a token and list it under its grant; one write batch. */
  issueOps(token: string, record: RefreshTokenRecord, nowMs: number): WriteOp[] {
    return [
      { op: 'set', key: this.#key(token), value: record as never, ttlMs: this.#ttl(record, nowMs) },
      ...this.grants.trackOps(record.grant_id, refreshTokenMember(storageHash(token)), Math.max(1, record.grant_expires_at - nowMs)),
    ];
  }

  /** TOKEN-14: ONETIME use, only by the client it was issued to (others see `mismatch`). */
  redeem(token: string, clientId: string, useMemoryMs: number): Promise<Redemption<RefreshTokenRecord>> {
    if (token.length > 100) return Promise.resolve({ state: 'missing' });
    return this.store.redeem<never>(this.#key(token), useMemoryMs, [{ field: 'client_id', equals: clientId }]) as Promise<Redemption<RefreshTokenRecord>>;
  }

  /** TOKEN-14: REUSE tokens are read, not consumed. */
  find(token: string): Promise<RefreshTokenRecord | null> {
    if (token.length > 100) return Promise.resolve(null);
    return this.store.get<never>(this.#key(token)) as Promise<RefreshTokenRecord | null>;
  }

  /** TOKEN-15: a REUSE token saved with its renewed idle window. */
  renewOps(token: string, record: RefreshTokenRecord, nowMs: number): WriteOp[] {
    return [{ op: 'set', key: this.#key(token), value: record as never, ttlMs: this.#ttl(record, nowMs) }];
  }
}
