// A grant: what one login gave one client (SSO-10, TOKEN-11). Revoking it is a marker that
// refresh tokens of the grant consult (issue 4) and that outlives every token of the grant.
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export interface GrantRevocation {
  [key: string]: string | number;
  revoked_at: number;
  reason: string;
}

export class GrantStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  revokeOps(grantId: string, revocation: GrantRevocation, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.grant(grantId), value: revocation, ttlMs }];
  }

  findRevocation(grantId: string): Promise<GrantRevocation | null> {
    return this.store.get<GrantRevocation>(this.keys.grant(grantId));
  }
}
