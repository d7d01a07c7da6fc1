// Authorization codes (AUTHZ-18, AUTHZ-19, TOKEN-10, TOKEN-11): 256 random bits, stored only under
// their hash, bound to everything the token endpoint checks, single use with replay detection.
import type { AuthenticatedSubject } from '../protocol/tokens.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Redemption, Store, WriteOp } from './store.js';
import { randomToken } from '../random.js';

/** TOKEN-11: codes live 60 s (choice; ID-porten publishes no value). */
export const codeLifetimeMs = 60_000;

export interface CodeRecord {
  [key: string]: unknown;
  client_id: string;
  redirect_uri: string;
  scope: string[];
  nonce?: string;
  code_challenge?: string;
  resource: string[];
  subject: AuthenticatedSubject;
  grant_id: string;
  /** The jti of the access token this code will be exchanged for, chosen now (AT-08). */
  access_token_jti: string;
  /** Milliseconds; checked against the injected clock. */
  expires_at: number;
  /** Milliseconds: when the authorization was given; TOKEN-15 counts the grant's life from here. */
  granted_at: number;
}

/** AUTHZ-19 RFC 6749 §10.10: ≥128 bits from a CSPRNG; 32 bytes give 43 base64url characters. */
export const newCode = (): string => randomToken(32);

export class CodeStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  issueOps(code: string, record: CodeRecord): WriteOp[] {
    return [{ op: 'set', key: this.keys.code(storageHash(code)), value: record as never, ttlMs: codeLifetimeMs }];
  }

  /**
   * TOKEN-11 RFC 6749 §4.1.2, §10.5: atomic single use. A second redemption sees `used`, and the
   * record stays readable for `replayWindowMs` so the tokens of the first one can be revoked.
   */
  redeem(code: string, clientId: string, replayWindowMs: number): Promise<Redemption<CodeRecord>> {
    if (code.length > 100) return Promise.resolve({ state: 'missing' });
    // TOKEN-10: only the client the code was issued to can use it up; another client's attempt
    // leaves it untouched (`mismatch`), so a stolen code cannot be burnt by someone else.
    return this.store.redeem<never>(this.keys.code(storageHash(code)), replayWindowMs, { field: 'client_id', equals: clientId }) as Promise<Redemption<CodeRecord>>;
  }
}
