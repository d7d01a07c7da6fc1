// The authorization_code grant's refusals (TOKEN-10, TOKEN-11; issue: a wrong code_verifier
// burns the code). The bindings of a code — client, redirect_uri, PKCE verifier — are checked
// in the same atomic operation that uses the code up, before it counts as used: anyone who
// sees a public client's code and sends a wrong verifier (or none, or another redirect_uri)
// is refused and the real client can still redeem it. Each refusal names the rule that failed.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { storageHash } from '../src/store/hash.js';
import { keySpace } from '../src/store/keys.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { testRedisUrl } from './support/redis.js';
import { tokenFlow } from './support/token-flow.js';
import { confidentialClient, demoClientRecords, expectOAuthError, issuer, orgno, pid, spa, web, type TestClient, type TokenResponse } from './support/vocabulary.js';

const noPkceSecret = 'code-test-no-pkce-secret-0123456789-abcdefgh';
const noPkce: TestClient = { ...confidentialClient('code-nopkce', 'http://localhost:8092', noPkceSecret) };
const noPkceRecord = {
  client_id: noPkce.id,
  client_secret: noPkceSecret,
  client_name: 'Code Test Without PKCE',
  client_orgno: orgno,
  integration_type: 'idporten',
  redirect_uris: [noPkce.redirectUri],
  post_logout_redirect_uris: ['http://localhost:8092/'],
  code_challenge_method: 'none',
};

let provider: TestProvider;
let now: number;
beforeEach(async () => {
  now = Date.now();
  provider = await startTestProvider({ clients: [...demoClientRecords, noPkceRecord], env: { OP_ISSUER: issuer }, clock: () => now });
});
afterEach(async () => provider.close());

const { authorize, redeem, refresh, userinfoGet } = tokenFlow({ provider: () => provider, now: () => now });

function refused(response: LightMyRequestResponse, description: string): void {
  expectOAuthError(response, 400, 'invalid_grant');
  expect(response.json<{ error_description: string }>().error_description).toBe(description);
}

const redeemed = (response: LightMyRequestResponse): TokenResponse => {
  expect(response.statusCode, response.body).toBe(200);
  return response.json<TokenResponse>();
};

describe('code bindings are checked before the code counts as used', () => {
  it('TOKEN-10 TOKEN-11 a wrong code_verifier is refused and leaves the code redeemable (public client)', async () => {
    const authorized = await authorize(spa);
    refused(await redeem(authorized, { code_verifier: randomBytes(32).toString('base64url') }), 'code_verifier does not match');
    refused(await redeem(authorized, { code_verifier: 'too-short' }), 'code_verifier does not match');
    redeemed(await redeem(authorized));
  });

  it('TOKEN-10 TOKEN-11 a missing code_verifier is refused and leaves the code redeemable', async () => {
    const authorized = await authorize(spa);
    refused(await redeem(authorized, { code_verifier: undefined }), 'code_verifier is missing');
    redeemed(await redeem(authorized));
  });

  it('TOKEN-10 TOKEN-11 another redirect_uri is refused and leaves the code redeemable', async () => {
    const authorized = await authorize(web);
    refused(await redeem(authorized, { redirect_uri: 'http://127.0.0.1:8080/callback' }), 'redirect_uri does not match the authorization request');
    redeemed(await redeem(authorized));
  });

  it('TOKEN-10 a code_verifier sent when the request had no code_challenge is refused, naming that', async () => {
    const authorized = await authorize(noPkce, { pkce: false });
    refused(await redeem(authorized, { code_verifier: randomBytes(32).toString('base64url') }), 'code_verifier was sent but the authorization request had no code_challenge');
    redeemed(await redeem(authorized));
  });

  it('TOKEN-10 an unknown code, or another client\'s, is refused alike', async () => {
    const authorized = await authorize(spa);
    refused(await redeem(authorized, { code: randomBytes(32).toString('base64url') }), 'code is unknown or was issued to another client');
    refused(await redeem(authorized, {}, web), 'code is unknown or was issued to another client');
    redeemed(await redeem(authorized));
  });
});

describe('expiry and replay', () => {
  it('TOKEN-11 a code redeemed after 60 s is refused as expired', async () => {
    const authorized = await authorize(web);
    now += 61_000;
    refused(await redeem(authorized), 'code has expired');
  });

  it('TOKEN-11 a second redemption is refused as used and revokes the tokens of the first', async () => {
    const authorized = await authorize(spa);
    const first = redeemed(await redeem(authorized));
    refused(await redeem(authorized), 'code was already used');
    expect((await userinfoGet(first.access_token)).statusCode).toBe(401);
  });

  it('TOKEN-11 a second redemption with a wrong code_verifier is refused without revoking the first', async () => {
    const authorized = await authorize(spa);
    const first = redeemed(await redeem(authorized));
    refused(await redeem(authorized, { code_verifier: randomBytes(32).toString('base64url') }), 'code_verifier does not match');
    expect((await userinfoGet(first.access_token)).statusCode).toBe(200);
  });

  it('TOKEN-11 a used code leaves only its bindings and grant behind, kept as long as the grant could live (Redis)', async () => {
    const authorized = await authorize(web);
    redeemed(await redeem(authorized));
    const key = provider.context.keys.code(storageHash(authorized.code));
    const redis = new Redis(testRedisUrl);
    try {
      const tombstone = JSON.parse((await redis.get(key))!) as Record<string, unknown>;
      // No person data, no nonce, no scope: only what a replay must prove and what it revokes.
      expect(Object.keys(tombstone).sort()).toEqual(['client_id', 'code_challenge', 'grant_id', 'redirect_uri']);
      expect(JSON.stringify(tombstone)).not.toContain(pid);
      // demo-web: authorization_lifetime 7200 s, and it gets refresh tokens.
      expect(await redis.pttl(key)).toBeGreaterThan(7_190_000);
      expect(await redis.pttl(provider.context.keys.usedMarker(key))).toBeGreaterThan(7_190_000);
    } finally {
      redis.disconnect();
    }
  });

  it('TOKEN-11 a replay long after the access token expired still revokes the refresh token of the first redemption', async () => {
    // The embedded store on the test's clock, so that its TTLs pass as the clock moves.
    await provider.close();
    provider = await startTestProvider({ env: { OP_ISSUER: issuer }, clock: () => now, store: new MemoryStore(keySpace('replay:').usedMarker, () => now) });
    const authorized = await authorize(web);
    const first = redeemed(await redeem(authorized));
    expect(first.refresh_token).toBeDefined();
    // An hour later: demo-web's access token (120 s) is long gone, its grant (7200 s) is not.
    now += 3_600_000;
    refused(await redeem(authorized), 'code was already used');
    expectOAuthError(await refresh(web, first.refresh_token!), 400, 'invalid_grant');
  });

  it('TOKEN-11 with OP_CODE_LIFETIME=600 a code is accepted 599 s after issue and expired at 600 s', async () => {
    await provider.close();
    provider = await startTestProvider({ env: { OP_ISSUER: issuer, OP_CODE_LIFETIME: '600' }, clock: () => now });
    const early = await authorize(web);
    const late = await authorize(web);
    now += 599_000;
    redeemed(await redeem(early));
    now += 1_000;
    refused(await redeem(late), 'code has expired');
  });

  it.each(['9', '601', '60.5', 'sixty'])('TOKEN-11 OP_CODE_LIFETIME=%s is refused by the configuration, naming the variable', (value) => {
    expect(() => loadConfig({ OP_CODE_LIFETIME: value })).toThrow(ConfigError);
    expect(() => loadConfig({ OP_CODE_LIFETIME: value })).toThrow(/OP_CODE_LIFETIME.*10 to 600/);
  });
});
