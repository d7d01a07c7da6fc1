// TOKEN-07 client assertions at the token and PAR endpoints, through HTTP against real Redis
// (issue: an assertion without jti could be replayed for its lifetime; aud was accepted as an
// array holding the issuer and anything else, and as the PAR URL). jti is required unless
// OP_REQUIRE_ASSERTION_JTI=false, and bounded; aud is one string, the issuer or the token
// endpoint URL (the 2025 audience-injection fix for private_key_jwt); the clock skew applies to
// iat only, never to exp. A request that authenticates but carries a made-up code is answered
// invalid_grant (400), so 400 here means "authenticated" and 401 "refused".
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { readFileSync } from 'node:fs';
import { SignJWT, importJWK, type JWK, type JWTPayload } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './support/app.js';
import { tokenFlow } from './support/token-flow.js';
import { clientAssertionType, demoClientRecords, expectOAuthError, issuer, pkjwt } from './support/vocabulary.js';

const demoKey = JSON.parse(readFileSync(new URL('../fixtures/demo/demo-pkjwt.private-key.json', import.meta.url), 'utf8')) as JWK;
const tokenUrl = `${issuer}/token`;

let provider: TestProvider;
let now: number;
afterEach(async () => provider?.close());

async function start(env: Record<string, string> = {}, clients?: unknown[]): Promise<void> {
  now = Math.floor(Date.now() / 1000) * 1000;
  provider = await startTestProvider({ env, clock: () => now, ...(clients ? { clients } : {}) });
}

const flow = tokenFlow({ provider: () => provider, now: () => now });

/** An assertion of demo-pkjwt, valid now; `claims` replaces claims (undefined removes one). */
async function assertion(claims: Record<string, unknown> = {}): Promise<string> {
  const nowS = Math.floor(now / 1000);
  const payload: JWTPayload = { iss: pkjwt.id, sub: pkjwt.id, aud: issuer, iat: nowS, exp: nowS + 60, jti: randomBytes(12).toString('base64url') };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: demoKey.kid! }).sign(await importJWK(demoKey, 'RS256'));
}

/** POST /token with a made-up code, authenticated by `clientAssertion`. */
const tokenWith = (clientAssertion: string) =>
  flow.postToken({
    grant_type: 'authorization_code',
    code: randomBytes(32).toString('base64url'),
    redirect_uri: pkjwt.redirectUri,
    code_verifier: randomBytes(32).toString('base64url'),
    client_id: pkjwt.id,
    client_assertion_type: clientAssertionType,
    client_assertion: clientAssertion,
  });

/** POST /par authenticated by `clientAssertion`. */
const parWith = (clientAssertion: string) =>
  flow.postForm('/par', {
    response_type: 'code',
    client_id: pkjwt.id,
    redirect_uri: pkjwt.redirectUri,
    scope: 'openid profile',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    client_assertion_type: clientAssertionType,
    client_assertion: clientAssertion,
  });

const authenticated = (response: LightMyRequestResponse) => expectOAuthError(response, 400, 'invalid_grant');
const refused = (response: LightMyRequestResponse, description?: string) => {
  expectOAuthError(response, 401, 'invalid_client');
  if (description !== undefined) expect(response.json<{ error_description: string }>().error_description).toBe(description);
};

describe('TOKEN-07 jti', () => {
  it('TOKEN-07 refuses an assertion without jti by default', async () => {
    await start();
    refused(await tokenWith(await assertion({ jti: undefined })), 'The client assertion must have a jti');
  });

  it('TOKEN-07 accepts an assertion without jti when OP_REQUIRE_ASSERTION_JTI=false', async () => {
    await start({ OP_REQUIRE_ASSERTION_JTI: 'false' });
    authenticated(await tokenWith(await assertion({ jti: undefined })));
  });

  it('TOKEN-07 refuses a jti longer than 256 characters, and accepts one of 256', async () => {
    await start();
    refused(await tokenWith(await assertion({ jti: 'j'.repeat(257) })), 'The client assertion jti must be at most 256 characters');
    authenticated(await tokenWith(await assertion({ jti: 'j'.repeat(256) })));
  });

  it('TOKEN-07 refuses a second use of a jti', async () => {
    await start();
    const once = await assertion();
    authenticated(await tokenWith(once));
    refused(await tokenWith(once), 'The client assertion jti has been used before');
  });
});

describe('TOKEN-07 aud', () => {
  it('TOKEN-07 refuses an assertion whose aud is an array, even one holding only the issuer', async () => {
    await start();
    for (const aud of [[issuer, 'https://attacker.example'], [issuer], [tokenUrl]]) {
      refused(await tokenWith(await assertion({ aud })), 'The client assertion aud must be one string: the issuer or the token endpoint URL');
    }
  });

  it('TOKEN-07 refuses the PAR endpoint URL as aud, at /par as at /token', async () => {
    await start();
    refused(await parWith(await assertion({ aud: `${issuer}/par` })));
    refused(await tokenWith(await assertion({ aud: `${issuer}/par` })));
  });

  it('TOKEN-07 accepts the issuer or the token endpoint URL as aud at /token and at /par', async () => {
    await start();
    for (const aud of [issuer, tokenUrl]) {
      authenticated(await tokenWith(await assertion({ aud })));
      expect((await parWith(await assertion({ aud }))).statusCode).toBe(201);
    }
  });
});

describe('TOKEN-07 time', () => {
  it('TOKEN-07 refuses an assertion whose exp has just passed (no clock skew on exp)', async () => {
    await start();
    const nowS = Math.floor(now / 1000);
    refused(await tokenWith(await assertion({ iat: nowS - 60, exp: nowS - 1 })), 'The client assertion has expired');
    refused(await tokenWith(await assertion({ iat: nowS - 60, exp: nowS })), 'The client assertion has expired');
    authenticated(await tokenWith(await assertion({ iat: nowS - 60, exp: nowS + 1 })));
  });

  it('TOKEN-07 accepts iat up to 10 s in the future and refuses it beyond', async () => {
    await start();
    const nowS = Math.floor(now / 1000);
    authenticated(await tokenWith(await assertion({ iat: nowS + 10, exp: nowS + 70 })));
    refused(await tokenWith(await assertion({ iat: nowS + 11, exp: nowS + 71 })), 'The client assertion iat is in the future');
  });
});

describe('TOKEN-07 in prod mode', () => {
  const prodIssuer = 'https://login.example.no';
  const prodEnv = {
    OP_MODE: 'prod',
    OP_ISSUER: prodIssuer,
    OP_REDIS_URL: 'redis://127.0.0.1:6379',
    OP_SIGNING_KEYS_FILE: '/dev/null',
    OP_CLIENTS_FILE: '/dev/null',
    OP_PAIRWISE_SECRET: 'prod-mode-test-pairwise-secret-0123456789',
    OP_COOKIE_SECRET: 'prod-mode-test-cookie-secret-0123456789-abc',
  };
  const prodClients = (demoClientRecords as unknown as Record<string, unknown>[])
    .filter((client) => client.client_id === pkjwt.id)
    .map((client) => ({ ...client, redirect_uris: ['https://rp.example.no/callback'], post_logout_redirect_uris: ['https://rp.example.no/'] }));

  it('TOKEN-07 ERR-03 a refused assertion only says that client authentication failed (the log has the rule)', async () => {
    await start(prodEnv, prodClients);
    const form = (clientAssertion: string) => ({
      grant_type: 'authorization_code',
      code: randomBytes(32).toString('base64url'),
      redirect_uri: 'https://rp.example.no/callback',
      client_id: pkjwt.id,
      client_assertion_type: clientAssertionType,
      client_assertion: clientAssertion,
    });
    for (const claims of [{ jti: undefined, aud: prodIssuer }, { aud: [prodIssuer] }, { aud: prodIssuer, exp: Math.floor(now / 1000) - 1 }]) {
      refused(await flow.postToken(form(await assertion(claims))), 'Client authentication failed');
    }
    // An unknown client and a missing credential get the same generic words; test mode names the cause.
    refused(await flow.postToken({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://rp.example.no/callback', client_id: 'nobody', client_secret: 'x'.repeat(40) }), 'Client authentication failed');
    refused(await flow.postToken({ grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://rp.example.no/callback' }), 'Client authentication failed');
    // And a good one still authenticates (then fails on the made-up code).
    authenticated(await flow.postToken(form(await assertion({ aud: prodIssuer }))));
  });
});
