// codeBindings and decideCodeGrant (src/protocol/token/authorization-code-grant.ts) called
// directly, no app and no Redis: the store's atomic redemption is modelled by `redeemed` below
// (the bindings in order, the first that fails named, nothing used up then), which is what the
// Lua script of store/redis-store.ts does and code-redemption.test.ts proves on real Redis. The
// stored code, whether it was used before, the authenticated client, the request's parameters and
// the clock in; issue, replay (revoke what the first redemption issued) or invalid_grant out.
// Every refusal is invalid_grant; its detail (for the log) says which binding failed, and each row
// names the one it must be. token-endpoint.test.ts proves the same rules through the HTTP surface.
import { describe, expect, it } from 'vitest';
import {
  codeBindings,
  decideCodeGrant,
  parseCodeGrant,
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
  ...changes,
});


type Expected = { kind: 'issue' } | { kind: 'replay'; detail: string } | { refused: string };

interface Row {
  title: string;
  /** The code's record in the store (null: unknown, or gone); `used`: a redemption happened before. */
  stored: CodeRecord | null;
  used?: boolean;
  /** What the client sends beside the code: its redirect_uri and the RFC 7636 example verifier unless told. */
  parameters?: Partial<CodeGrantParameters>;
  now?: number;
  expected: Expected;
}

/** The store's atomic redemption (store/redis-store.ts): the bindings in order, then single use. */
function redeemed(stored: CodeRecord | null, used: boolean, parameters: CodeGrantParameters): CodeRedemption {
  if (!stored) return { state: 'missing' };
  for (const binding of codeBindings(webClient, parameters)) {
    const actual = stored[binding.field] ?? null;
    if (actual !== binding.equals) return { state: 'mismatch', field: binding.field, absent: actual === null };
  }
  // The first use left a tombstone: the bindings and the grant (store/codes.ts).
  return used ? { state: 'used', value: { client_id: stored.client_id, redirect_uri: stored.redirect_uri, code_challenge: stored.code_challenge, grant_id: stored.grant_id } } : { state: 'fresh', value: stored };
}

const rows: Row[] = [
  { title: 'TOKEN-10 a code with the right redirect_uri and verifier is issued', stored: codeRecord(), expected: { kind: 'issue' } },
  { title: 'TOKEN-10 an unknown code is invalid_grant', stored: null, expected: { refused: 'unknown code' } },
  { title: 'TOKEN-10 a code issued to another client is invalid_grant, told like an unknown one', stored: codeRecord({ client_id: spa.id }), expected: { refused: 'code of another client' } },
  { title: 'TOKEN-11 a second redemption is a replay: what the first issued is revoked, then invalid_grant', stored: codeRecord(), used: true, expected: { kind: 'replay', detail: 'code replay' } },
  {
    title: 'TOKEN-11 a second redemption that proves the bindings is a replay even after the code expired',
    stored: codeRecord(),
    used: true,
    now: expiresAt + 60_000,
    expected: { kind: 'replay', detail: 'code replay' },
  },
  {
    title: 'TOKEN-11 a second redemption with a wrong verifier is refused without revoking (only the code holder with the verifier can)',
    stored: codeRecord(),
    used: true,
    parameters: { code_verifier: pkcePair().verifier },
    expected: { refused: 'code_verifier does not match' },
  },
  { title: 'TOKEN-11 a code is still issued 1 ms before it expires', stored: codeRecord(), now: expiresAt - 1, expected: { kind: 'issue' } },
  { title: 'TOKEN-11 a code is expired at its expires_at', stored: codeRecord(), now: expiresAt, expected: { refused: 'code expired' } },
  {
    title: 'TOKEN-10 a redirect_uri other than the authorized one, though registered, is invalid_grant',
    stored: codeRecord(),
    parameters: { redirect_uri: 'http://127.0.0.1:8080/callback' },
    expected: { refused: 'redirect_uri differs from the authorization request' },
  },
  { title: 'TOKEN-10 a missing code_verifier when a challenge was stored is invalid_grant', stored: codeRecord(), parameters: { code_verifier: undefined }, expected: { refused: 'code_verifier missing' } },
  { title: 'TOKEN-10 a code_verifier that does not hash to the challenge is invalid_grant', stored: codeRecord(), parameters: { code_verifier: pkcePair().verifier }, expected: { refused: 'code_verifier does not match' } },
  // Verifiers bound to their own challenge, so that only the format check of RFC 7636 §4.1 decides.
  ...(
    [
      ['a 42-character verifier is refused, though it hashes to the challenge', 'A'.repeat(42), { refused: 'malformed code_verifier' }],
      ['a 129-character verifier is refused, though it hashes to the challenge', 'A'.repeat(129), { refused: 'malformed code_verifier' }],
      ['a verifier with a character outside the unreserved set is refused, though it hashes to the challenge', `${'A'.repeat(42)}+`, { refused: 'malformed code_verifier' }],
      ['a 128-character verifier of unreserved characters is accepted', '~'.repeat(128), { kind: 'issue' }],
    ] as const
  ).map(([what, codeVerifier, expected]): Row => ({
    title: `TOKEN-10 RFC 7636 §4.1 ${what}`,
    stored: codeRecord({ code_challenge: pkcePair(codeVerifier).challenge }),
    parameters: { code_verifier: codeVerifier },
    expected,
  })),
  {
    title: 'TOKEN-10 CLIENT-15 a code without a stored challenge is issued without a verifier',
    stored: codeRecord({ code_challenge: undefined }),
    parameters: { code_verifier: undefined },
    expected: { kind: 'issue' },
  },
  {
    title: 'TOKEN-10 (RFC 9700 §2.1.1) a code_verifier sent for a code without a stored challenge is invalid_grant',
    stored: codeRecord({ code_challenge: undefined }),
    expected: { refused: 'code_verifier without code_challenge' },
  },
];

describe('TOKEN-10 TOKEN-11 parseCodeGrant, codeBindings and decideCodeGrant: stored code, client, parameters and clock in, decision out', () => {
  it.each(titled(rows))('%s', (_, row) => {
    const form = { code: 'the-code', redirect_uri: web.redirectUri, code_verifier: verifier, ...row.parameters };
    let stored: CodeRedemption | undefined;
    const outcome = outcomeOf(() => {
      const parameters = parseCodeGrant(Object.fromEntries(Object.entries(form).filter(([, value]) => value !== undefined)) as Record<string, string>);
      const redemption = redeemed(row.stored, row.used ?? false, parameters);
      stored = redemption;
      return decideCodeGrant(redemption, parameters, row.now ?? nowMs);
    });
    if ('refused' in row.expected) {
      expect(refusalOf(outcome)).toEqual({ error: 'invalid_grant', detail: row.expected.refused });
      return;
    }
    expect(refusalOf(outcome)).toMatchObject({ kind: row.expected.kind });
    const decision = outcome as CodeGrantDecision;
    // The decision is about the record the store redeemed (or its tombstone), never another.
    expect(decision.record).toBe((stored as Extract<CodeRedemption, { value: unknown }>).value);
    if (row.expected.kind === 'replay' && decision.kind === 'replay') {
      expect({ error: decision.error.error, detail: decision.error.detail }).toEqual({ error: 'invalid_grant', detail: row.expected.detail });
    }
  });
});
