// AUTHZ-27: remembered consents (protocol/consent.ts), one record per person, client and scope
// set, kept until the grant it was given with ends: its TTL is that grant's lifetime, and the
// grant lists it, so revoking the grant forgets it (REVOKE-03).
import type { ConsentRecord } from '../protocol/consent.js';
import { consentMember, type GrantStore } from './grants.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export class ConsentStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
    private readonly grants: GrantStore,
  ) {}

  find(id: string): Promise<ConsentRecord | null> {
    return this.store.get<never>(this.keys.consent(id)) as Promise<ConsentRecord | null>;
  }

  /** Remember the answer for `ttlMs` (the grant's lifetime) and list it under its grant. */
  rememberOps(id: string, record: ConsentRecord, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.consent(id), value: record as never, ttlMs }, ...this.grants.trackOps(record.grant_id, consentMember(id), ttlMs)];
  }
}
