// Authorization codes (AUTHZ-18, AUTHZ-19, TOKEN-11): stored only under their hash, single use
// with replay detection. What a code binds and its rules are protocol/token/authorization-code-grant.ts.
import type { CodeBinding, CodeRecord } from '../protocol/token/authorization-code-grant.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Redemption, Store, WriteOp } from './store.js';

export class CodeStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  issueOps(code: string, record: CodeRecord, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.code(storageHash(code)), value: record as never, ttlMs }];
  }

  /**
   * TOKEN-11 RFC 6749 §4.1.2, §10.5: atomic single use. A second redemption sees `used`, and the
   * record stays readable for `replayWindowMs` so the tokens of the first one can be revoked.
   * Only a request that proves every binding (client, redirect_uri, PKCE) uses it up; any other
   * leaves it untouched (`mismatch`, naming the binding).
   */
  redeem(code: string, bindings: readonly CodeBinding[], replayWindowMs: number): Promise<Redemption<CodeRecord>> {
    if (code.length > 100) return Promise.resolve({ state: 'missing' });
    return this.store.redeem<never>(this.keys.code(storageHash(code)), replayWindowMs, bindings) as Promise<Redemption<CodeRecord>>;
  }
}
