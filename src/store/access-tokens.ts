// AT-08: every JWT access token has a record keyed by its jti, written before the token exists
// (with the code) so issuing costs no extra write. /userinfo requires the record; revocation
// turns it into a deny marker that lives until the token's exp (REVOKE-05).
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export interface AccessTokenRecord {
  [key: string]: string | boolean | undefined;
  grant_id: string;
  client_id: string;
  locale: string;
  revoked?: boolean;
}

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
}
