// decideRefreshGrant (src/protocol/token/refresh-token-grant.ts) called directly, no app and no
// Redis: how the store's redemption (ONETIME) or read (REUSE) of a refresh token came out and the
// clock in; issue, reuse detected (end the grant) or invalid_grant out, its detail (for the log)
// naming the rule. refresh-token.test.ts proves the same rules through the HTTP surface.
import { describe, expect, it } from 'vitest';
import type { AuthenticatedSubject } from '../../src/protocol/tokens.js';
import { decideRefreshGrant, type RefreshGrantDecision, type RefreshRedemption, type RefreshTokenRecord } from '../../src/protocol/token/refresh-token-grant.js';
import { SUBSTANTIAL, outcomeOf, pid, refusalOf, titled, web } from '../support/vocabulary.js';

const nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);

const subject: AuthenticatedSubject = { pid, acr: SUBSTANTIAL, amr: ['TestID'], auth_time: (nowMs - 300_000) / 1000, locale: 'nb', sid: 'common-sid' };

/** demo-web's ONETIME refresh token: 60 s left of its idle window, 10 minutes of its grant. */
const tokenRecord = (changes: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  client_id: web.id,
  grant_id: 'grant-1',
  scope: ['openid', 'profile'],
  resource: [],
  subject,
  usage: 'ONETIME',
  expires_at: nowMs + 60_000,
  grant_expires_at: nowMs + 600_000,
  ...changes,
});

const fresh = (changes: Partial<RefreshTokenRecord> = {}): RefreshRedemption => ({ state: 'fresh', value: tokenRecord(changes) });

type Expected = { kind: 'issue' } | { kind: 'reuse-detected'; detail: string } | { refused: string };

interface Row {
  title: string;
  redemption: RefreshRedemption;
  expected: Expected;
}

const rows: Row[] = [
  { title: 'TOKEN-13 TOKEN-15 a live refresh token inside its grant is issued', redemption: fresh(), expected: { kind: 'issue' } },
  { title: 'TOKEN-14 CLIENT-13 a REUSE token read inside its windows is issued', redemption: fresh({ usage: 'REUSE' }), expected: { kind: 'issue' } },
  { title: 'TOKEN-13 an unknown refresh token is invalid_grant', redemption: { state: 'missing' }, expected: { refused: 'unknown refresh token' } },
  { title: "TOKEN-13 another client's refresh token is invalid_grant (and the store left it unharmed)", redemption: { state: 'mismatch' }, expected: { refused: 'refresh token of another client' } },
  { title: 'TOKEN-14 a ONETIME token presented again is reuse: the grant ends, then invalid_grant', redemption: { state: 'used', value: tokenRecord() }, expected: { kind: 'reuse-detected', detail: 'refresh token reused' } },
  {
    title: 'TOKEN-14 reuse is detected even when the reused token is past its idle window and its grant',
    redemption: { state: 'used', value: tokenRecord({ expires_at: nowMs - 1, grant_expires_at: nowMs - 1 }) },
    expected: { kind: 'reuse-detected', detail: 'refresh token reused' },
  },
  { title: 'TOKEN-15 a token 1 ms before the end of its idle window is issued', redemption: fresh({ expires_at: nowMs + 1 }), expected: { kind: 'issue' } },
  { title: 'TOKEN-15 a token at the end of its idle window is invalid_grant', redemption: fresh({ expires_at: nowMs }), expected: { refused: 'refresh token idle too long' } },
  { title: "TOKEN-15 a token with one second of its grant left is issued", redemption: fresh({ grant_expires_at: nowMs + 1000 }), expected: { kind: 'issue' } },
  {
    title: "TOKEN-15 AT-07 a token with less than a second of its grant left is invalid_grant, not an access token born expired",
    redemption: fresh({ grant_expires_at: nowMs + 999 }),
    expected: { refused: 'grant past its authorization_lifetime' },
  },
  { title: 'TOKEN-15 a token past the end of its grant is invalid_grant, though its idle window runs on', redemption: fresh({ grant_expires_at: nowMs - 1 }), expected: { refused: 'grant past its authorization_lifetime' } },
];

describe('TOKEN-13 TOKEN-14 TOKEN-15 decideRefreshGrant: redemption and clock in, decision out', () => {
  it.each(titled(rows))('%s', (_, { redemption, expected }) => {
    const outcome = outcomeOf(() => decideRefreshGrant(redemption, nowMs));
    if ('refused' in expected) {
      expect(refusalOf(outcome)).toEqual({ error: 'invalid_grant', detail: expected.refused });
      return;
    }
    expect(refusalOf(outcome)).toMatchObject({ kind: expected.kind });
    const decision = outcome as RefreshGrantDecision;
    // The decision is about the record the store found, never another.
    expect(decision.record).toBe((redemption as Extract<RefreshRedemption, { value: RefreshTokenRecord }>).value);
    if (expected.kind === 'reuse-detected' && decision.kind === 'reuse-detected') {
      expect({ error: decision.error.error, detail: decision.error.detail }).toEqual({ error: 'invalid_grant', detail: expected.detail });
    }
  });
});
