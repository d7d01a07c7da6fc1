// AT-08: the record of every access token (protocol/access-token.ts): a JWT's under its jti, an
// opaque token's (AT-01) under the hash of its handle, so a copy of Redis holds no usable token.
import type { AccessTokenRecord } from '../protocol/access-token.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export class AccessTokenStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** AT-01: the id an opaque token's record is kept under (and listed under in its grant). */
  opaqueId(handle: string): string {
    return storageHash(handle);
  }

  /** Create, never overwrite: a deny record written by a racing revocation must win. */
  registerOps(id: string, record: AccessTokenRecord, ttlMs: number): WriteOp[] {
    return [{ op: 'create', key: this.keys.accessToken(id), value: record as never, ttlMs }];
  }

  find(id: string): Promise<AccessTokenRecord | null> {
    return this.store.get<never>(this.keys.accessToken(id)) as Promise<AccessTokenRecord | null>;
  }

  /** REVOKE-05: deny the token until it would have expired anyway. */
  revokeOps(id: string, record: Omit<AccessTokenRecord, 'revoked'>, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.accessToken(id), value: { ...record, revoked: true } as never, ttlMs }];
  }

  revoke(id: string, record: Omit<AccessTokenRecord, 'revoked'>, ttlMs: number): Promise<void> {
    return this.store.write(this.revokeOps(id, record, ttlMs));
  }
}
