// Authorization codes (AUTHZ-18, AUTHZ-19, TOKEN-11): stored only under their hash, single use
// with replay detection. What a code binds and its rules are protocol/token/authorization-code-grant.ts.
import type { CodeBinding, CodeRecord, CodeTombstone } from '../protocol/token/authorization-code-grant.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Redemption, Store, WriteOp } from './store.js';

/** TOKEN-11: what a used code keeps (protocol/token/authorization-code-grant.ts, CodeTombstone). */
const codeTombstoneFields = ['client_id', 'redirect_uri', 'code_challenge', 'grant_id'] as const satisfies readonly (keyof CodeTombstone)[];

export class CodeStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  issueOps(code: string, record: CodeRecord, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.code(storageHash(code)), value: record as never, ttlMs }];
  }

  /**
   * TOKEN-11 RFC 6749 §4.1.2, §10.5: atomic single use. A second redemption sees `used`: the
   * first one replaced the record by its tombstone (the bindings and the grant, no person data),
   * which lives `replayWindowMs` so the tokens of the first one can be revoked for as long as
   * they can live. Only a request that proves every binding (client, redirect_uri, PKCE) uses
   * it up; any other leaves it untouched (`mismatch`, naming the binding).
   */
  redeem(code: string, bindings: readonly CodeBinding[], replayWindowMs: number): Promise<Redemption<CodeRecord, CodeTombstone>> {
    if (code.length > 100) return Promise.resolve({ state: 'missing' });
    return this.store.redeem<never>(this.keys.code(storageHash(code)), replayWindowMs, bindings, codeTombstoneFields) as Promise<Redemption<CodeRecord, CodeTombstone>>;
  }
}
