// A Redis outage under a running provider (docs/interface.md, "Operations"): a private
// redis-server is stopped mid-flow. Every request that needs the store is answered at once with
// 503 and Retry-After (JSON temporarily_unavailable on API endpoints, the error page on browser
// endpoints), or with a temporarily_unavailable redirect where the redirect_uri is already
// verified; discovery, JWKS and /healthz keep answering; /readyz says 503. When Redis is back,
// a whole flow works again without a restart.
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keySpace } from '../../src/store/keys.js';
import { createRedisClient, parseRedisUrl } from '../../src/store/redis-connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { uniquePrefix } from '../support/redis.js';
import { authorizeQuery, tokenFlow } from '../support/token-flow.js';
import { expectOAuthError, spa, web } from '../support/vocabulary.js';
import { PrivateRedis } from './private-redis.js';

let redis: PrivateRedis;
let provider: TestProvider;
let now: number;

beforeEach(async () => {
  now = Date.now();
  redis = await PrivateRedis.start();
  const prefix = uniquePrefix('outage');
  const topology = parseRedisUrl(redis.url);
  const store = new RedisStore(createRedisClient(topology), topology, keySpace(prefix).usedMarker);
  await store.connect();
  provider = await startTestProvider({ store, prefix, clock: () => now });
});
afterEach(async () => {
  await provider.close();
  await redis.stop();
});

const flow = tokenFlow({ provider: () => provider, now: () => now });

/** ERR-03 with the outage's status and Retry-After. */
function expectUnavailableJson(response: LightMyRequestResponse): void {
  expectOAuthError(response, 503, 'temporarily_unavailable');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

/** ERR-01: the error page, with the outage's status, code and Retry-After. */
function expectUnavailablePage(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(503);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.body).toContain('<code id="op-error-code">temporarily_unavailable</code>');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

/** ERR-02: a redirect to the verified redirect_uri with error, state and iss. */
function expectUnavailableRedirect(response: LightMyRequestResponse, redirectUri: string, state: string): void {
  expect(response.statusCode, response.body).toBe(303);
  const location = new URL(String(response.headers.location));
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
  expect(location.searchParams.get('state')).toBe(state);
  expect(location.searchParams.get('iss')).toBe(provider.context.config.issuer);
}

describe('Redis outage', () => {
  it('answers 503 with Retry-After on every store-backed endpoint, keeps discovery, JWKS and /healthz up, and recovers without a restart', async () => {
    const { app } = provider;
    // Before the outage: a browser with an SSO session, tokens, a pushed request and a pending login.
    const browser = new Browser(app);
    const tokens = await flow.login(web, { browser });
    const par = await flow.postAs('/par', web, Object.fromEntries(authorizeQuery(web, 'v'.repeat(43))));
    expect(par.statusCode, par.body).toBe(201);
    const requestUri = par.json<{ request_uri: string }>().request_uri;
    const pending = new Browser(app);
    const pendingQuery = authorizeQuery(spa, 'w'.repeat(43));
    const start = await pending.get(`/authorize?${pendingQuery}`);
    const loginPath = String(start.headers.location);
    const loginPage = await pending.get(loginPath);
    const csrf = /name="csrf" value="([^"]+)"/.exec(loginPage.body)![1]!;

    await redis.stop();

    // API endpoints: JSON temporarily_unavailable, 503, Retry-After.
    expectUnavailableJson(await flow.postAs('/par', web, Object.fromEntries(authorizeQuery(web, 'v'.repeat(43)))));
    expectUnavailableJson(await flow.refresh(web, tokens.refresh_token));
    expectUnavailableJson(await flow.redeem({ client: web, code: 'c'.repeat(43), verifier: 'v'.repeat(43) }));
    expectUnavailableJson(await flow.userinfoGet(tokens.access_token));
    expectUnavailableJson(await flow.postAs('/token/revoke', web, { token: tokens.access_token }));
    // Browser endpoints before a redirect_uri is verified: the error page.
    expectUnavailablePage(await app.inject({ method: 'GET', url: `/authorize?client_id=${web.id}&request_uri=${encodeURIComponent(requestUri)}` }));
    expectUnavailablePage(await browser.get('/logout'));
    // With the redirect_uri verified: a temporarily_unavailable redirect (ERR-02).
    const query = authorizeQuery(web, 'v'.repeat(43));
    expectUnavailableRedirect(await browser.get(`/authorize?${query}`), web.redirectUri, query.get('state')!);
    const submitted = await pending.post(loginPath, { csrf, action: 'login', pid: '21879498012', acr: 'idporten-loa-substantial' });
    expectUnavailableRedirect(submitted, spa.redirectUri, pendingQuery.get('state')!);
    // What needs no store keeps answering; readiness says why not.
    for (const url of ['/.well-known/openid-configuration', '/jwks.json', '/healthz']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', store_reachable: false });
    // The metrics count what failed.
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^op_store_errors_total [1-9]/m);

    await redis.restart();
    // Recovery without a restart: wait until readiness comes back, then a whole flow works.
    for (let attempt = 0; (await app.inject({ method: 'GET', url: '/readyz' })).statusCode !== 200; attempt++) {
      if (attempt > 100) throw new Error('the provider did not see Redis come back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const fresh = await flow.login(web);
    await flow.expectAccessTokenWorks(fresh.access_token);
  }, 60_000);
});
