// Consent (AUTHZ-27, AUTHZ-14, AUTHZ-26, SSO-04) and fresh authentication (AUTHZ-27) through the
// HTTP surface on real Redis: a scope registered with requires_user_consent puts a consent page
// after the login (or straight after /authorize when the SSO session knows the user), listing
// each scope's description; accept gives the code, decline access_denied; the answer is
// remembered per person, client and scope set until the grant ends; prompt=consent always asks,
// prompt=none answers consent_required. Every hop is visible (support/browser.ts follows nothing).
import { createHash, randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { listKeys } from '../support/redis.js';
import { basic, issuer, orgno, pid } from '../support/vocabulary.js';
const secret = 'consent-test-client-secret-0123456789-abcdef';
const redirectUri = 'http://localhost:8094/cb';

const scope = (name: string, extra: Record<string, unknown>) => ({
  name,
  prefix: name.split(':')[0],
  subscope: name.split(':')[1],
  description: `Description of ${name}`,
  owner_orgno: orgno,
  allowed_integration_types: ['api_klient'],
  accessible_for_all: true,
  ...extra,
});
const scopes = [
  scope('bank:accounts', { requires_user_consent: true, long_description: 'Balances & transactions of <your> accounts' }),
  scope('bank:payments', { requires_user_consent: true, authorization_max_lifetime: 900 }),
  scope('bank:rates', {}),
  scope('bank:admin', { requires_user_authentication: true }),
];
const client = {
  client_id: 'consent-client',
  client_secret: secret,
  client_name: 'Consent Bank',
  client_orgno: orgno,
  integration_type: 'api_klient',
  scopes: ['openid', 'profile', ...scopes.map((s) => s.name)],
  grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: [redirectUri],
  post_logout_redirect_uris: ['http://localhost:8094/'],
};

let provider: TestProvider;
beforeEach(async () => {
  provider = await startTestProvider({ clients: [client], scopes, env: { OP_ISSUER: issuer } });
});
afterEach(async () => provider.close());

const verifier = randomBytes(32).toString('base64url');
const challenge = (): string => createHash('sha256').update(verifier).digest('base64url');

function authorizeUrl(scope: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope, state: 'st', code_challenge: challenge(), code_challenge_method: 'S256', ...extra });
  return `/authorize?${query}`;
}

const csrfOf = (page: LightMyRequestResponse): string => /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
const locationOf = (response: LightMyRequestResponse): string => String(response.headers.location ?? '');

/** /authorize, then the login page and its form; returns the login POST's response. */
async function login(browser: Browser, url: string): Promise<LightMyRequestResponse> {
  const start = await browser.get(url);
  expect(start.statusCode, start.body).toBe(303);
  expect(locationOf(start)).toMatch(/^\/login\//);
  const page = await browser.get(locationOf(start));
  expect(page.body).toContain('id="login-form"');
  return browser.post(locationOf(start), { csrf: csrfOf(page), action: 'login', pid, acr: 'idporten-loa-substantial' });
}

/** A 303 to the consent page: its URL and the page itself. */
async function consentPageAfter(browser: Browser, response: LightMyRequestResponse): Promise<{ url: string; page: LightMyRequestResponse }> {
  expect(response.statusCode, response.body).toBe(303);
  const url = locationOf(response);
  expect(url).toMatch(/^\/login\/[A-Za-z0-9_-]{22}$/);
  const page = await browser.get(url);
  expect(page.statusCode, page.body).toBe(200);
  expect(page.body).toContain('id="consent-form"');
  return { url, page };
}

const answer = (browser: Browser, consent: { url: string; page: LightMyRequestResponse }, action: string): Promise<LightMyRequestResponse> =>
  browser.post(consent.url, { csrf: csrfOf(consent.page), action });

/** The authorization response at the client: the query of the 303. */
function atClient(response: LightMyRequestResponse): URLSearchParams {
  expect(response.statusCode, response.body).toBe(303);
  const location = new URL(locationOf(response));
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  return location.searchParams;
}

async function redeem(code: string): Promise<Record<string, unknown>> {
  const response = await provider.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, secret) },
    payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('AUTHZ-27 the consent page after the login', () => {
  it('AUTHZ-27 a requires_user_consent scope shows the consent page after the login, listing each such scope with its description', async () => {
    const browser = new Browser(provider.app);
    const { page } = await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts bank:payments bank:rates')));
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<ul id="consent-scopes">');
    expect(page.body).toContain('<li data-scope="bank:accounts"><strong>Description of bank:accounts</strong><br><span class="meta">Balances &amp; transactions of &lt;your&gt; accounts</span></li>');
    expect(page.body).toContain('<li data-scope="bank:payments"><strong>Description of bank:payments</strong></li>');
    // Only scopes that require consent are listed.
    expect(page.body).not.toContain('data-scope="bank:rates"');
    expect(page.body).toContain('Consent Bank');
    expect(page.body).toContain('<button class="primary" type="submit" id="consent-accept" name="action" value="accept">');
    expect(page.body).toContain('<button class="secondary" type="submit" id="consent-decline" name="action" value="decline">');
    // docs/traps.md, form-action: the answer is redirected to the client.
    expect(page.headers['content-security-policy']).toContain("form-action 'self' http://localhost:8094");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('AUTHZ-27 accepting gives the code, and the tokens carry the scopes', async () => {
    const browser = new Browser(provider.app);
    const consent = await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts')));
    const query = atClient(await answer(browser, consent, 'accept'));
    expect(query.get('state')).toBe('st');
    expect(query.get('iss')).toBe(issuer);
    expect((await redeem(query.get('code')!)).scope).toBe('openid profile bank:accounts');
  });

  it('AUTHZ-26 declining ends in access_denied at the client, with state and iss', async () => {
    const browser = new Browser(provider.app);
    const consent = await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts')));
    const query = atClient(await answer(browser, consent, 'decline'));
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe('st');
    expect(query.get('iss')).toBe(issuer);
    expect(query.get('code')).toBeNull();
  });

  it('AUTHZ-27 the consent form works once: a replay, a wrong csrf or another browser gets the error page and no code', async () => {
    const browser = new Browser(provider.app);
    const consent = await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts')));
    expect((await browser.post(consent.url, { csrf: 'wrong', action: 'accept' })).statusCode).toBe(400);
    expect((await new Browser(provider.app).post(consent.url, { csrf: csrfOf(consent.page), action: 'accept' })).statusCode).toBe(400);
    const cookies = new Map(browser.cookies);
    atClient(await answer(browser, consent, 'accept'));
    for (const [name, cookie] of cookies) browser.cookies.set(name, cookie);
    const replay = await answer(browser, consent, 'accept');
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('id="op-error"');
  });

  it('AUTHZ-27 an unknown action shows the consent page again (400)', async () => {
    const browser = new Browser(provider.app);
    const consent = await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts')));
    const again = await answer(browser, consent, 'login');
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('id="consent-form"');
  });

  it('AUTHZ-13 AUTHZ-27 the consent page speaks nb by default, and nn, en and se', async () => {
    const expected = { nb: 'Gi samtykke', nn: 'Gje samtykke', en: 'Give consent', se: 'Atte miehtama' };
    for (const [locale, title] of Object.entries(expected)) {
      const browser = new Browser(provider.app);
      const { page } = await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts', locale === 'nb' ? {} : { ui_locales: locale })));
      expect(page.body).toContain(`<html lang="${locale}">`);
      expect(page.body).toContain(`<h1 id="consent-title">${title}</h1>`);
    }
  });

  it('AUTHZ-27 the interaction pages keep the TestID ids: the login page before consent is unchanged', async () => {
    const browser = new Browser(provider.app);
    const start = await browser.get(authorizeUrl('openid profile bank:accounts'));
    const page = await browser.get(locationOf(start));
    for (const id of ['<form id="login-form" method="post"', 'name="pid"', 'name="acr"', 'id="login-submit" name="action" value="login"', 'id="login-cancel" name="action" value="cancel"']) expect(page.body).toContain(id);
  });
});

describe('AUTHZ-27 SSO-04 the remembered answer', () => {
  it('SSO-04 AUTHZ-27 the answer is remembered: the next authorization in the session is answered without any page', async () => {
    const browser = new Browser(provider.app);
    atClient(await answer(browser, await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts'))), 'accept'));
    const again = atClient(await browser.get(authorizeUrl('openid profile bank:accounts')));
    expect(again.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('AUTHZ-27 the answer is per person and client: the same person logging in again in another browser is not asked', async () => {
    const first = new Browser(provider.app);
    atClient(await answer(first, await consentPageAfter(first, await login(first, authorizeUrl('openid profile bank:accounts'))), 'accept'));
    const second = new Browser(provider.app);
    expect(atClient(await login(second, authorizeUrl('openid profile bank:accounts'))).get('code')).toBeTruthy();
  });

  it('AUTHZ-27 the answer is per scope set: another set of consent scopes asks again; adding a scope without consent does not', async () => {
    const browser = new Browser(provider.app);
    atClient(await answer(browser, await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts'))), 'accept'));
    expect(atClient(await browser.get(authorizeUrl('openid profile bank:accounts bank:rates'))).get('code')).toBeTruthy();
    await consentPageAfter(browser, await browser.get(authorizeUrl('openid profile bank:accounts bank:payments')));
  });

  it('AUTHZ-27 an SSO answer that needs consent goes to the consent page directly, without a login page', async () => {
    const browser = new Browser(provider.app);
    atClient(await login(browser, authorizeUrl('openid profile')));
    const consent = await consentPageAfter(browser, await browser.get(authorizeUrl('openid profile bank:accounts')));
    expect(consent.page.body).not.toContain('id="login-form"');
    expect(atClient(await answer(browser, consent, 'accept')).get('code')).toBeTruthy();
  });

  it('AUTHZ-14 prompt=consent always asks, even when the answer is remembered', async () => {
    const browser = new Browser(provider.app);
    atClient(await answer(browser, await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:accounts'))), 'accept'));
    const consent = await consentPageAfter(browser, await browser.get(authorizeUrl('openid profile bank:accounts', { prompt: 'consent' })));
    expect(atClient(await answer(browser, consent, 'accept')).get('code')).toBeTruthy();
  });

  it('AUTHZ-14 prompt=consent for scopes that need no consent shows nothing', async () => {
    const browser = new Browser(provider.app);
    atClient(await login(browser, authorizeUrl('openid profile')));
    expect(atClient(await browser.get(authorizeUrl('openid profile bank:rates', { prompt: 'consent' }))).get('code')).toBeTruthy();
  });

  it('AUTHZ-14 prompt=none without a remembered answer is consent_required; with one it is the code', async () => {
    const browser = new Browser(provider.app);
    atClient(await login(browser, authorizeUrl('openid profile')));
    const refused = atClient(await browser.get(authorizeUrl('openid profile bank:accounts', { prompt: 'none' })));
    expect(refused.get('error')).toBe('consent_required');
    expect(refused.get('state')).toBe('st');
    atClient(await answer(browser, await consentPageAfter(browser, await browser.get(authorizeUrl('openid profile bank:accounts'))), 'accept'));
    expect(atClient(await browser.get(authorizeUrl('openid profile bank:accounts', { prompt: 'none' }))).get('code')).toBeTruthy();
  });

  it('AUTHZ-27 REVOKE-03 the answer lasts until the grant ends: its TTL is the grant lifetime, and revoking the grant forgets it', async () => {
    const browser = new Browser(provider.app);
    const query = atClient(await answer(browser, await consentPageAfter(browser, await login(browser, authorizeUrl('openid profile bank:payments'))), 'accept'));
    const consentKeys = [...(await listKeys(provider.prefix))].filter(([key]) => key.startsWith(`${provider.prefix}{cs:`));
    expect(consentKeys).toHaveLength(1);
    // bank:payments caps the grant at 900 s (authorization_max_lifetime).
    expect(consentKeys[0]![1]).toBeGreaterThan(890_000);
    expect(consentKeys[0]![1]).toBeLessThanOrEqual(900_000);
    const tokens = await redeem(query.get('code')!);
    const revoked = await provider.app.inject({ method: 'POST', url: '/token/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, secret) }, payload: new URLSearchParams({ token: String(tokens.refresh_token) }).toString() });
    expect(revoked.statusCode).toBe(200);
    await consentPageAfter(browser, await browser.get(authorizeUrl('openid profile bank:payments')));
  });
});

describe('AUTHZ-27 requires_user_authentication', () => {
  it('AUTHZ-27 SSO-04 a scope requiring a fresh authentication shows the login page even with a live session; prompt=none is login_required', async () => {
    const browser = new Browser(provider.app);
    atClient(await login(browser, authorizeUrl('openid profile')));
    const fresh = await browser.get(authorizeUrl('openid profile bank:admin'));
    expect(fresh.statusCode).toBe(303);
    expect(locationOf(fresh)).toMatch(/^\/login\//);
    expect((await browser.get(locationOf(fresh))).body).toContain('id="login-form"');
    const silent = atClient(await browser.get(authorizeUrl('openid profile bank:admin', { prompt: 'none' })));
    expect(silent.get('error')).toBe('login_required');
  });
});
