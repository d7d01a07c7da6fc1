// The authorization_code grant's refusals (TOKEN-10, TOKEN-11; issue: a wrong code_verifier
// burns the code). The bindings of a code — client, redirect_uri, PKCE verifier — are checked
// in the same atomic operation that uses the code up, before it counts as used: anyone who
// sees a public client's code and sends a wrong verifier (or none, or another redirect_uri)
// is refused and the real client can still redeem it. Each refusal names the rule that failed.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './support/app.js';
import { tokenFlow } from './support/token-flow.js';
import { confidentialClient, demoClientRecords, expectOAuthError, issuer, orgno, spa, web, type TestClient, type TokenResponse } from './support/vocabulary.js';

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

const { authorize, redeem, userinfoGet } = tokenFlow({ provider: () => provider, now: () => now });

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
});
