// decideCodeGrant (src/protocol/token/authorization-code-grant.ts) called directly, no app and no
// Redis: how the store's atomic claim of a code came out, the authenticated client, the request's
// parameters and the clock in; issue, replay (revoke what the first redemption issued) or
// invalid_grant out. Every refusal is the same invalid_grant to the client; its detail (for the
// log) says which binding failed, and each row names the one it must be. token-endpoint.test.ts
// proves the same rules through the HTTP surface.
import { describe, expect, it } from 'vitest';
import {
  decideCodeGrant,
  type CodeGrantDecision,
  type CodeGrantParameters,
  type CodeRecord,
  type CodeRedemption,
} from '../../src/protocol/token/authorization-code-grant.js';
import type { AuthenticatedSubject } from '../../src/protocol/tokens.js';
import { SUBSTANTIAL, outcomeOf, pid, pkcePair, refusalOf, registeredClient, registryOf, rfc7636Example, spa, titled, web } from '../support/vocabulary.js';

const registry = registryOf();
const webClient = registeredClient(registry, web.id);

const nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);
const expiresAt = nowMs + 30_000;
const { verifier, challenge } = rfc7636Example;

const subject: AuthenticatedSubject = { pid, acr: SUBSTANTIAL, amr: ['TestID'], auth_time: (nowMs - 30_000) / 1000, locale: 'nb', sid: 'common-sid' };

/** The code demo-web was given 30 s ago for its redirect_uri, bound to the RFC 7636 example challenge. */
const codeRecord = (changes: Partial<CodeRecord> = {}): CodeRecord => ({
  client_id: web.id,
  redirect_uri: web.redirectUri,
  scope: ['openid', 'profile'],
  nonce: 'nonce-1',
  code_challenge: challenge,
  resource: [],
  subject,
  grant_id: 'grant-1',
  access_token_jti: 'jti-1',
  expires_at: expiresAt,
  granted_at: nowMs - 30_000,
  ...changes,
});


type Expected = { kind: 'issue' } | { kind: 'replay'; detail: string } | { refused: string };

interface Row {
  title: string;
  redemption: CodeRedemption;
  /** What the client sends beside the code: its redirect_uri and the RFC 7636 example verifier unless told. */
  parameters?: Partial<CodeGrantParameters>;
  now?: number;
  expected: Expected;
}

const fresh = (changes: Partial<CodeRecord> = {}): CodeRedemption => ({ state: 'fresh', value: codeRecord(changes) });

const rows: Row[] = [
  { title: 'TOKEN-10 a code with the right redirect_uri and verifier is issued', redemption: fresh(), expected: { kind: 'issue' } },
  { title: 'TOKEN-10 an unknown code is invalid_grant', redemption: { state: 'missing' }, expected: { refused: 'unknown code' } },
  { title: 'TOKEN-10 a code the store found issued to another client is invalid_grant', redemption: { state: 'mismatch' }, expected: { refused: 'code of another client' } },
  { title: 'TOKEN-10 a claimed code whose record names another client is invalid_grant', redemption: fresh({ client_id: spa.id }), expected: { refused: 'code of another client' } },
  { title: 'TOKEN-11 a second redemption is a replay: what the first issued is revoked, then invalid_grant', redemption: { state: 'used', value: codeRecord() }, expected: { kind: 'replay', detail: 'code replay' } },
  {
    title: 'TOKEN-11 a second redemption is a replay whatever else is wrong with it (expired, wrong verifier)',
    redemption: { state: 'used', value: codeRecord() },
    parameters: { code_verifier: pkcePair().verifier },
    now: expiresAt + 60_000,
    expected: { kind: 'replay', detail: 'code replay' },
  },
  { title: 'TOKEN-11 a code is still issued 1 ms before it expires', redemption: fresh(), now: expiresAt - 1, expected: { kind: 'issue' } },
  { title: 'TOKEN-11 a code is expired at its expires_at', redemption: fresh(), now: expiresAt, expected: { refused: 'code expired' } },
  {
    title: 'TOKEN-10 a redirect_uri other than the authorized one, though registered, is invalid_grant',
    redemption: fresh(),
    parameters: { redirect_uri: 'http://127.0.0.1:8080/callback' },
    expected: { refused: 'redirect_uri differs from the authorization request' },
  },
  { title: 'TOKEN-10 a missing code_verifier when a challenge was stored is invalid_grant', redemption: fresh(), parameters: { code_verifier: undefined }, expected: { refused: 'code_verifier missing' } },
  { title: 'TOKEN-10 a code_verifier that does not hash to the challenge is invalid_grant', redemption: fresh(), parameters: { code_verifier: pkcePair().verifier }, expected: { refused: 'code_verifier does not match' } },
  // Verifiers bound to their own challenge, so that only the format check of RFC 7636 §4.1 decides.
  ...(
    [
      ['a 42-character verifier is refused, though it hashes to the challenge', 'A'.repeat(42), { refused: 'code_verifier does not match' }],
      ['a 129-character verifier is refused, though it hashes to the challenge', 'A'.repeat(129), { refused: 'code_verifier does not match' }],
      ['a verifier with a character outside the unreserved set is refused, though it hashes to the challenge', `${'A'.repeat(42)}+`, { refused: 'code_verifier does not match' }],
      ['a 128-character verifier of unreserved characters is accepted', '~'.repeat(128), { kind: 'issue' }],
    ] as const
  ).map(([what, codeVerifier, expected]): Row => ({
    title: `TOKEN-10 RFC 7636 §4.1 ${what}`,
    redemption: fresh({ code_challenge: pkcePair(codeVerifier).challenge }),
    parameters: { code_verifier: codeVerifier },
    expected,
  })),
  {
    title: 'TOKEN-10 CLIENT-15 a code without a stored challenge is issued without a verifier',
    redemption: fresh({ code_challenge: undefined }),
    parameters: { code_verifier: undefined },
    expected: { kind: 'issue' },
  },
  {
    title: 'TOKEN-10 (RFC 9700 §2.1.1) a code_verifier sent for a code without a stored challenge is invalid_grant',
    redemption: fresh({ code_challenge: undefined }),
    expected: { refused: 'code_verifier sent but no code_challenge was' },
  },
];

describe('TOKEN-10 TOKEN-11 decideCodeGrant: redemption, client, parameters and clock in, decision out', () => {
  it.each(titled(rows))('%s', (_, row) => {
    const parameters = { code: 'the-code', redirect_uri: web.redirectUri, code_verifier: verifier, ...row.parameters };
    const outcome = outcomeOf(() => decideCodeGrant(row.redemption, webClient, parameters, row.now ?? nowMs));
    if ('refused' in row.expected) {
      expect(refusalOf(outcome)).toEqual({ error: 'invalid_grant', detail: row.expected.refused });
      return;
    }
    expect(refusalOf(outcome)).toMatchObject({ kind: row.expected.kind });
    const decision = outcome as CodeGrantDecision;
    // The decision is about the record the store claimed, never another.
    expect(decision.record).toBe((row.redemption as Extract<CodeRedemption, { value: CodeRecord }>).value);
    if (row.expected.kind === 'replay' && decision.kind === 'replay') {
      expect({ error: decision.error.error, detail: decision.error.detail }).toEqual({ error: 'invalid_grant', detail: row.expected.detail });
    }
  });
});
