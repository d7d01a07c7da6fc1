// Rate limits (docs/interface.md, "Operations"): 429 with Retry-After, the JSON error on API
// endpoints and the error page on browser endpoints, counters in the store shared by every
// instance, and a metric for every refusal. Defaults: 30 failed client authentications a minute
// per client_id (the 31st is 429), 10 rejected identity numbers per login (the 11th submission is
// 429 and ends it); /par and /authorize are limited per source address (and /par per client).
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { routeRateLimit } from '../../src/http/rate-limit.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { uniquePrefix } from '../support/redis.js';
import { authorizeQuery } from '../support/token-flow.js';
import { basic, encodeForm, expectOAuthError, spa, web, webSecret, type FormParams } from '../support/vocabulary.js';

const providers: TestProvider[] = [];
afterEach(async () => {
  for (const provider of providers.splice(0)) await provider.close();
});

/** A clock at the start of a rate-limit window, so that a test never straddles two windows. */
const windowStart = (): number => (Math.floor(Date.now() / 60_000) + 1) * 60_000 + 1000;
let now = windowStart();

async function start(env: Record<string, string> = {}, prefix?: string): Promise<TestProvider> {
  const provider = await startTestProvider({ env, clock: () => now, ...(prefix ? { prefix } : {}) });
  providers.push(provider);
  return provider;
}

function expectLimited(response: LightMyRequestResponse): void {
  expectOAuthError(response, 429, 'temporarily_unavailable');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

function expectLimitedPage(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(429);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.body).toContain('<code id="op-error-code">temporarily_unavailable</code>');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

async function refusals(provider: TestProvider, limit: string): Promise<number> {
  const text = (await provider.app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(new RegExp(`^op_rate_limited_total\\{limit="${limit}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

/** POST a form from a given source address. */
const post = (provider: TestProvider, url: string, form: FormParams, authorization?: string, remoteAddress = '127.0.0.1') =>
  provider.app.inject({
    method: 'POST',
    url,
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    payload: encodeForm(form),
  });

describe('failed client authentication per client_id', () => {
  it('answers failed client authentications 1-30 within a minute with 401 and the 31st with 429, on every instance', async () => {
    now = windowStart();
    const prefix = uniquePrefix('limits');
    const one = await start({}, prefix);
    const two = await start({}, prefix);
    const wrong = basic(web.id, 'not-the-secret-of-demo-web-0123456789abcdef');
    const form = { grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: web.redirectUri };
    for (let attempt = 1; attempt <= 30; attempt++) expectOAuthError(await post(attempt % 2 ? one : two, '/token', form, wrong), 401, 'invalid_client');
    expectLimited(await post(one, '/token', form, wrong));
    // Now blocked here for the rest of the minute, the right secret too (a guess that hits stays refused).
    expectLimited(await post(one, '/token', form, basic(web.id, webSecret)));
    // The other instance shares the count: its next failure is refused as well.
    expectLimited(await post(two, '/token', form, wrong));
    expect(await refusals(one, 'client_authentication')).toBe(2);
    // Another client is not affected, and a new minute starts afresh.
    expectOAuthError(await post(one, '/token', { ...form, client_id: spa.id }), 400, 'invalid_grant');
    now += 60_000;
    expectOAuthError(await post(one, '/token', form, basic(web.id, webSecret)), 400, 'invalid_grant');
  });
});

describe('rejected identity numbers per login', () => {
  async function startLogin(provider: TestProvider): Promise<{ browser: Browser; path: string; csrf: string }> {
    const browser = new Browser(provider.app);
    const started = await browser.get(`/authorize?${authorizeQuery(spa, 'v'.repeat(43))}`);
    const path = String(started.headers.location);
    const page = await browser.get(path);
    return { browser, path, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]! };
  }

  it('accepts 10 rejected identity numbers; the 11th submission gets 429 with the error page and ends the login', async () => {
    const provider = await start();
    const { browser, path, csrf } = await startLogin(provider);
    const submit = (pid: string) => browser.post(path, { csrf, action: 'login', pid, acr: 'idporten-loa-substantial' });
    for (let attempt = 1; attempt <= 10; attempt++) expect((await submit('12345678901')).statusCode).toBe(422);
    // The 11th submission is refused even with a valid number, and the login is over.
    expectLimitedPage(await submit('21879498012'));
    // The login is over: a good number no longer logs in (the refusal is repeated).
    const after = await submit('21879498012');
    expectLimitedPage(after);
    expect(after.headers.location).toBeUndefined();
  });

  it('refuses an 11th rejected identity number the same way', async () => {
    const provider = await start();
    const { browser, path, csrf } = await startLogin(provider);
    for (let attempt = 1; attempt <= 10; attempt++) expect((await browser.post(path, { csrf, action: 'login', pid: '12345678901', acr: 'idporten-loa-substantial' })).statusCode).toBe(422);
    expectLimitedPage(await browser.post(path, { csrf, action: 'login', pid: '12345678901', acr: 'idporten-loa-substantial' }));
    expect(await refusals(provider, 'login_attempts')).toBe(1);
  });

  it('lets a login with fewer rejections through', async () => {
    const provider = await start();
    const { browser, path, csrf } = await startLogin(provider);
    for (let attempt = 1; attempt <= 9; attempt++) expect((await browser.post(path, { csrf, action: 'login', pid: '12345678901', acr: 'idporten-loa-substantial' })).statusCode).toBe(422);
    expect((await browser.post(path, { csrf, action: 'login', pid: '21879498012', acr: 'idporten-loa-substantial' })).statusCode).toBe(303);
  });
});

describe('/par and /authorize', () => {
  const pushForm = (): FormParams => ({ ...Object.fromEntries(authorizeQuery(spa, 'v'.repeat(43))) });

  it('limits pushed requests per source address (429 JSON, nothing kept) and counts addresses apart', async () => {
    now = windowStart();
    const provider = await start({ OP_RATE_LIMIT_PAR_PER_ADDRESS: '3' });
    for (let i = 0; i < 3; i++) expect((await post(provider, '/par', pushForm(), undefined, '10.0.0.1')).statusCode).toBe(201);
    expectLimited(await post(provider, '/par', pushForm(), undefined, '10.0.0.1'));
    expect((await post(provider, '/par', pushForm(), undefined, '10.0.0.2')).statusCode).toBe(201);
    expect(await refusals(provider, 'par_per_address')).toBe(1);
  });

  it('limits pushed requests per client, from any address', async () => {
    now = windowStart();
    const provider = await start({ OP_RATE_LIMIT_PAR_PER_CLIENT: '3' });
    for (let i = 0; i < 3; i++) expect((await post(provider, '/par', pushForm(), undefined, `10.0.1.${i}`)).statusCode).toBe(201);
    expectLimited(await post(provider, '/par', pushForm(), undefined, '10.0.1.9'));
    expect(await refusals(provider, 'par_per_client')).toBe(1);
  });

  it('limits authorization requests per source address with the 429 error page', async () => {
    now = windowStart();
    const provider = await start({ OP_RATE_LIMIT_AUTHORIZE_PER_ADDRESS: '3' });
    const uris: string[] = [];
    for (let i = 0; i < 4; i++) uris.push((await post(provider, '/par', pushForm())).json<{ request_uri: string }>().request_uri);
    const open = (uri: string, remoteAddress = '10.0.2.1') =>
      provider.app.inject({ method: 'GET', url: `/authorize?client_id=${spa.id}&request_uri=${encodeURIComponent(uri)}`, remoteAddress });
    for (const uri of uris.slice(0, 3)) expect((await open(uri)).statusCode).toBe(303);
    expectLimitedPage(await open(uris[3]!));
    // Without a store operation to ride on, the refusal comes from what the instance has seen.
    const plain = () => provider.app.inject({ method: 'GET', url: `/authorize?${authorizeQuery(spa, 'v'.repeat(43))}`, remoteAddress: '10.0.2.1' });
    expectLimitedPage(await plain());
    expect((await provider.app.inject({ method: 'GET', url: `/authorize?${authorizeQuery(spa, 'v'.repeat(43))}`, remoteAddress: '10.0.2.2' })).statusCode).toBe(303);
  });

  it('limits per client the logins too large for their cookie (their request is kept in the store); ordinary ones are not counted', async () => {
    now = windowStart();
    const provider = await start({ OP_RATE_LIMIT_LARGE_LOGINS_PER_CLIENT: '2' });
    const large = () => {
      const query = authorizeQuery(spa, 'v'.repeat(43));
      query.set('state', 's'.repeat(2048));
      query.set('nonce', 'n'.repeat(512));
      for (let i = 0; i < 3; i++) query.append('resource', `https://api${i}.example.no/${'r'.repeat(1000)}`);
      return provider.app.inject({ method: 'GET', url: `/authorize?${query}`, remoteAddress: `10.0.4.${Math.floor(Math.random() * 200)}` });
    };
    expect((await large()).statusCode).toBe(303);
    expect((await large()).statusCode).toBe(303);
    expectLimitedPage(await large());
    expect((await provider.app.inject({ method: 'GET', url: `/authorize?${authorizeQuery(spa, 'v'.repeat(43))}` })).statusCode).toBe(303);
    expect(await refusals(provider, 'large_logins_per_client')).toBe(1);
  });

  it('shares the counts of traffic limits between instances, which learn the total when they send their counts', async () => {
    now = windowStart();
    const prefix = uniquePrefix('limits');
    const one = await start({ OP_RATE_LIMIT_PAR_PER_ADDRESS: '3' }, prefix);
    const two = await start({ OP_RATE_LIMIT_PAR_PER_ADDRESS: '3' }, prefix);
    for (let i = 0; i < 3; i++) expect((await post(one, '/par', pushForm(), undefined, '10.0.3.1')).statusCode).toBe(201);
    // Counts are sent in batches (every 200 ms); here they are sent at once.
    await one.app.services.limits.batches.flush();
    // The other instance does not know yet: it decides by its own view, then sends and learns.
    expect((await post(two, '/par', pushForm(), undefined, '10.0.3.1')).statusCode).toBe(201);
    await two.app.services.limits.batches.flush();
    expectLimited(await post(two, '/par', pushForm(), undefined, '10.0.3.1'));
  });

  it('counts the forwarded address only behind a proxy named in OP_TRUST_PROXY', async () => {
    now = windowStart();
    const trusting = await start({ OP_RATE_LIMIT_PAR_PER_ADDRESS: '1', OP_TRUST_PROXY: '127.0.0.1' });
    const forwarded = (provider: TestProvider, from: string) =>
      provider.app.inject({ method: 'POST', url: '/par', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from }, payload: encodeForm(pushForm()) });
    expect((await forwarded(trusting, '192.0.2.1')).statusCode).toBe(201);
    expect((await forwarded(trusting, '192.0.2.2')).statusCode).toBe(201);
    expectLimited(await forwarded(trusting, '192.0.2.1'));
    const ignoring = await start({ OP_RATE_LIMIT_PAR_PER_ADDRESS: '1' });
    expect((await forwarded(ignoring, '192.0.2.1')).statusCode).toBe(201);
    expectLimited(await forwarded(ignoring, '192.0.2.2'));
  });
});

describe('route limits (@fastify/rate-limit, for the administration API)', () => {
  it('answers a route over its limit with 429, Retry-After and the JSON error, counted in the metrics', async () => {
    now = windowStart();
    const provider = await start();
    provider.app.get('/probe/limited', { config: { rateLimit: routeRateLimit(2, 60_000) } }, async () => ({ ok: true }));
    const call = () => provider.app.inject({ method: 'GET', url: '/probe/limited' });
    expect((await call()).statusCode).toBe(200);
    expect((await call()).statusCode).toBe(200);
    const refused = await call();
    expectLimited(refused);
    expect(refused.headers['x-ratelimit-remaining']).toBeUndefined();
    expect(await refusals(provider, 'route')).toBe(1);
  });
});
