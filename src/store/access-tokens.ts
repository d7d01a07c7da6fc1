// AT-08: the record of every JWT access token, keyed by its jti (protocol/access-token.ts).
import type { AccessTokenRecord } from '../protocol/access-token.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export class AccessTokenStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** Create, never overwrite: a deny record written by a racing revocation must win. */
  registerOps(jti: string, record: AccessTokenRecord, ttlMs: number): WriteOp[] {
    return [{ op: 'create', key: this.keys.accessToken(jti), value: record, ttlMs }];
  }

  find(jti: string): Promise<AccessTokenRecord | null> {
    return this.store.get<AccessTokenRecord>(this.keys.accessToken(jti));
  }

  /** REVOKE-05: deny the jti until the token would have expired anyway. */
  revokeOps(jti: string, record: Omit<AccessTokenRecord, 'revoked'>, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.accessToken(jti), value: { ...record, revoked: true }, ttlMs }];
  }

  revoke(jti: string, record: Omit<AccessTokenRecord, 'revoked'>, ttlMs: number): Promise<void> {
    return this.store.write(this.revokeOps(jti, record, ttlMs));
  }
}
