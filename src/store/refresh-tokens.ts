// Refresh tokens (TOKEN-13…16, CLIENT-05, CLIENT-13): 256 random bits, stored only under their
// hash, bound to the client and the grant. ONETIME tokens are redeemed atomically (a second use
// is a replay, RFC 9700 §4.14.2); REUSE tokens are read and renewed.
import type { AuthenticatedSubject } from '../protocol/tokens.js';
import { refreshTokenMember, type GrantStore } from './grants.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Redemption, Store, WriteOp } from './store.js';
import { randomToken } from '../random.js';

export interface RefreshTokenRecord {
  [key: string]: unknown;
  client_id: string;
  grant_id: string;
  /** The scope of the grant; a refresh may narrow the access token's scope, never this. */
  scope: string[];
  resource: string[];
  subject: AuthenticatedSubject;
  usage: 'ONETIME' | 'REUSE';
  /** ms: the idle window, renewed at each use (TOKEN-15 refresh_token_lifetime). */
  expires_at: number;
  /** ms: the absolute end of the grant (TOKEN-15 authorization_lifetime from the login). */
  grant_expires_at: number;
}

export const newRefreshToken = (): string => randomToken(32);

export class RefreshTokenStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
    private readonly grants: GrantStore,
  ) {}

  #key(token: string): string {
    return this.keys.refreshToken(storageHash(token));
  }

  /** Save a token and list it under its grant; one write batch. */
  issueOps(token: string, record: RefreshTokenRecord, nowMs: number): WriteOp[] {
    const ttlMs = Math.max(1, Math.min(record.expires_at, record.grant_expires_at) - nowMs);
    return [
      { op: 'set', key: this.#key(token), value: record as never, ttlMs },
      ...this.grants.trackOps(record.grant_id, refreshTokenMember(storageHash(token)), Math.max(1, record.grant_expires_at - nowMs)),
    ];
  }

  /** TOKEN-14: ONETIME use, only by the client it was issued to (others see `mismatch`). */
  redeem(token: string, clientId: string, nowMs: number, grantExpiresAtHint: number): Promise<Redemption<RefreshTokenRecord>> {
    if (token.length > 100) return Promise.resolve({ state: 'missing' });
    // The use is remembered until the grant could have ended, so a late replay is still seen.
    return this.store.redeem<never>(this.#key(token), Math.max(1000, grantExpiresAtHint - nowMs), { field: 'client_id', equals: clientId }) as Promise<
      Redemption<RefreshTokenRecord>
    >;
  }

  /** TOKEN-14: REUSE tokens are read, not consumed. */
  find(token: string): Promise<RefreshTokenRecord | null> {
    if (token.length > 100) return Promise.resolve(null);
    return this.store.get<never>(this.#key(token)) as Promise<RefreshTokenRecord | null>;
  }

  /** TOKEN-15: a REUSE token's idle window starts again. */
  renewOps(token: string, record: RefreshTokenRecord, nowMs: number): WriteOp[] {
    return [{ op: 'set', key: this.#key(token), value: record as never, ttlMs: Math.max(1, Math.min(record.expires_at, record.grant_expires_at) - nowMs) }];
  }
}
