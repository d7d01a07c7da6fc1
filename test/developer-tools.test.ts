// The test-mode tools for relying-party developers (docs/interface.md, "Tools for relying-party
// developers") through the HTTP surface on real Redis: the landing page, /openapi.json and the API
// reference, and the debugger's round trip (query and form_post, with and without PAR, refresh,
// revoke, logout). In prod mode none of them exists. The Chromium tests
// (test/browser/developer-tools.browser.test.ts) drive the same pages under the real CSP.
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { HIGH, csrfOf, decodeHtml, formPostAction, formPostFields, issuer, pid } from './support/vocabulary.js';

let provider: TestProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

const preOf = (body: string, id: string): unknown => {
  const text = new RegExp(`<pre id="${id}"[^>]*>([^<]*)</pre>`).exec(body)?.[1];
  return text === undefined ? undefined : JSON.parse(decodeHtml(text));
};
const hiddenOf = (body: string, name: string): string | undefined => {
  const value = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(body)?.[1];
  return value === undefined ? undefined : decodeHtml(value);
};

/** The debugger form sent, the login page answered; returns the callback page. */
async function debuggerLogin(browser: Browser, form: Record<string, string>, person = pid): Promise<{ callback: string; status: number }> {
  const started = await browser.post('/debugger', form);
  expect(started.statusCode, started.body).toBe(303);
  const authorize = String(started.headers.location);
  expect(authorize.startsWith(`${issuer}/authorize?`)).toBe(true);
  const toLogin = await browser.get(authorize);
  expect(toLogin.statusCode, toLogin.body).toBe(303);
  const loginUrl = String(toLogin.headers.location);
  const loginPage = await browser.get(loginUrl);
  const answered = await browser.post(loginUrl, { csrf: csrfOf(loginPage.body), action: 'login', pid: person, acr: form.acr_values || 'idporten-loa-substantial' });
  let callback;
  if (answered.statusCode === 303) {
    expect(String(answered.headers.location).startsWith(`${issuer}/debugger/callback?`)).toBe(true);
    callback = await browser.get(String(answered.headers.location));
  } else {
    expect(formPostAction(answered.body)).toBe(`${issuer}/debugger/callback`);
    callback = await browser.post('/debugger/callback', Object.fromEntries(formPostFields(answered.body)));
  }
  return { callback: callback.body, status: callback.statusCode };
}

describe('landing page, OpenAPI document and API reference (test mode)', () => {
  it('GET / links discovery, JWKS, the debugger, the API reference and lists the clients with their redirect URIs', async () => {
    provider = await startTestProvider();
    const response = await provider.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toContain("script-src 'none'");
    for (const href of ['/.well-known/openid-configuration', '/jwks.json', '/debugger', '/docs', '/openapi.json']) expect(response.body).toContain(`href="${href}"`);
    expect(response.body).toContain('<code>demo-web</code>');
    expect(response.body).toContain('<code>http://localhost:8080/callback</code>');
    expect(response.body).toContain(`<code>${issuer}/debugger/callback</code>`);
  });

  it('GET /openapi.json is the generated OpenAPI 3.1 document with this issuer as server; GET /docs renders it', async () => {
    provider = await startTestProvider();
    const document = (await provider.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ openapi: string; servers: { url: string }[]; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: issuer }]);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/authorize', '/token', '/userinfo', '/par', '/debugger']));
    const docs = await provider.app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('<code>POST /token</code>');
    expect(docs.body).toContain('<code>code_verifier</code>');
    expect(docs.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('ENV-03 in prod mode there is no landing page, debugger, OpenAPI document or API reference (404), and no debugger client', async () => {
    provider = await startTestProvider({
      env: {
        OP_MODE: 'prod',
        OP_ISSUER: 'https://login.example.no',
        OP_REDIS_URL: 'redis://127.0.0.1:6379',
        OP_SIGNING_KEYS_FILE: '/dev/null',
        OP_CLIENTS_FILE: '/dev/null',
        OP_PAIRWISE_SECRET: 'prod-mode-test-pairwise-secret-0123456789',
        OP_COOKIE_SECRET: 'prod-mode-test-cookie-secret-0123456789-abc',
      },
      clients: [],
    });
    for (const url of ['/', '/debugger', '/debugger/callback', '/openapi.json', '/docs']) {
      expect((await provider.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    expect((await provider.app.inject({ method: 'POST', url: '/debugger', payload: 'scope=openid', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(404);
    expect(provider.app.services.registry.find('debugger')).toBeUndefined();
  });
});

describe('debugger (test mode)', () => {
  it('GET /debugger carries form#debugger-form with scopes, acr_values, prompt, response_mode and PAR', async () => {
    provider = await startTestProvider();
    const page = (await provider.app.inject({ method: 'GET', url: '/debugger' })).body;
    expect(page).toContain('<form id="debugger-form" method="post" action="/debugger">');
    for (const name of ['client_id', 'scope', 'acr_values', 'prompt', 'response_mode', 'par']) expect(page).toContain(`name="${name}"`);
  });

  it('a login as the built-in debugger client shows the token response, the decoded tokens and userinfo', async () => {
    provider = await startTestProvider();
    const browser = new Browser(provider.app);
    const { callback, status } = await debuggerLogin(browser, { client_id: 'debugger', scope: 'profile', acr_values: HIGH, response_mode: 'query' });
    expect(status, callback).toBe(200);
    const idToken = preOf(callback, 'debugger-id-token') as Record<string, unknown>;
    expect(idToken).toMatchObject({ iss: issuer, aud: 'debugger', pid, acr: HIGH });
    expect(preOf(callback, 'debugger-access-token')).toMatchObject({ iss: issuer, client_id: 'debugger', pid });
    expect(preOf(callback, 'debugger-userinfo')).toMatchObject({ pid, sub: idToken.sub });
    const response = preOf(callback, 'debugger-token-response') as Record<string, string>;
    expect(decodeJwt(response.id_token!).nonce).toBe(idToken.nonce);
    // The state cookie is used up.
    expect(browser.cookies.has('op_dbg')).toBe(false);
  });

  it('PAR and form_post: the request goes through /par and the code comes back by POST', async () => {
    provider = await startTestProvider();
    const browser = new Browser(provider.app);
    const started = await browser.post('/debugger', { scope: 'openid', response_mode: 'form_post', par: 'on' });
    const authorize = new URL(String(started.headers.location));
    expect([...authorize.searchParams.keys()]).toEqual(['client_id', 'request_uri']);
    const { callback, status } = await debuggerLogin(new Browser(provider.app), { scope: 'profile', response_mode: 'form_post', par: 'on' });
    expect(status, callback).toBe(200);
    expect(preOf(callback, 'debugger-userinfo')).toMatchObject({ pid });
  });

  it('refresh, revoke and log out from the result page', async () => {
    provider = await startTestProvider();
    const browser = new Browser(provider.app);
    const { callback } = await debuggerLogin(browser, { scope: 'profile' });
    const refreshToken = hiddenOf(callback, 'refresh_token')!;
    const idToken = hiddenOf(callback, 'id_token')!;
    expect(refreshToken).toBeTruthy();
    const refreshed = await browser.post('/debugger/refresh', { refresh_token: refreshToken, id_token: idToken });
    expect(refreshed.statusCode).toBe(200);
    const newTokens = preOf(refreshed.body, 'debugger-token-response') as Record<string, string>;
    expect(newTokens.access_token).toBeTruthy();
    expect(preOf(refreshed.body, 'debugger-userinfo')).toMatchObject({ pid });

    const revoked = await browser.post('/debugger/revoke', { access_token: newTokens.access_token!, token_type_hint: 'access_token', id_token: idToken });
    expect(revoked.body).toContain('/token/revoke answered 200');
    expect(preOf(revoked.body, 'debugger-userinfo')).toMatchObject({ status: 401 });

    const logout = /<form id="debugger-logout-form" method="get" action="([^"]+)">/.exec(revoked.body)?.[1];
    expect(logout).toBe(`${issuer}/logout`);
    expect(hiddenOf(revoked.body, 'post_logout_redirect_uri')).toBe(`${issuer}/debugger`);
    const query = new URLSearchParams({ id_token_hint: hiddenOf(revoked.body, 'id_token_hint')!, post_logout_redirect_uri: `${issuer}/debugger`, state: 'st' });
    const loggedOut = await browser.get(`/logout?${query}`);
    const target = String(loggedOut.headers.location ?? /data-post-logout-redirect="([^"]+)"/.exec(loggedOut.body)?.[1]);
    expect(decodeHtml(target)).toBe(`${issuer}/debugger?state=st`);
    expect((await browser.get('/debugger?state=st')).body).toContain('Logged out; the provider returned state st.');
  });

  it('ERR-06 the debugger round trip logs no code, token, secret or identity number', async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    provider = await startTestProvider({ env: { OP_LOG_LEVEL: 'info' }, logStream: capture });
    const browser = new Browser(provider.app);
    const { callback } = await debuggerLogin(browser, { scope: 'profile' });
    const response = preOf(callback, 'debugger-token-response') as Record<string, string>;
    await browser.post('/debugger/refresh', { refresh_token: response.refresh_token!, id_token: response.id_token! });
    const text = lines.join('');
    expect(text).toContain('/debugger/callback');
    for (const secret of [response.access_token!, response.id_token!, response.refresh_token!, pid, provider.app.services.debugger!.clientSecret]) expect(text).not.toContain(secret);
  });

  it('a refused login (cancel) and a callback without the debugger cookie are shown as errors, never a 500', async () => {
    provider = await startTestProvider();
    const browser = new Browser(provider.app);
    const started = await browser.post('/debugger', { scope: 'openid' });
    const toLogin = await browser.get(String(started.headers.location));
    const loginUrl = String(toLogin.headers.location);
    const loginPage = await browser.get(loginUrl);
    const cancelled = await browser.post(loginUrl, { csrf: csrfOf(loginPage.body), action: 'cancel' });
    const shown = await browser.get(String(cancelled.headers.location));
    expect(preOf(shown.body, 'debugger-error')).toMatchObject({ error: 'access_denied' });

    const stranger = await new Browser(provider.app).get('/debugger/callback?code=x&state=y');
    expect(stranger.statusCode).toBe(400);
    expect(preOf(stranger.body, 'debugger-error')).toMatchObject({ error_description: expect.stringContaining('debugger cookie is missing') });
  });

  it.each([
    [{ response_mode: 'fragment' }, 'response_mode must be one of query, form_post'],
    [{ prompt: 'select_account' }, 'prompt must be one of login, consent, none'],
    [{ acr_values: 'eidas-loa-high' }, 'acr_values must be one of idporten-loa-substantial, idporten-loa-high'],
    [{ scope: 'openid admin' }, "scope must be among the debugger client's scopes: openid, profile"],
    [{ client_id: 'demo-web' }, 'client_id must be debugger'],
  ])('a bad debugger form value %j is an error page naming the field', async (form, description) => {
    provider = await startTestProvider();
    const response = await new Browser(provider.app).post('/debugger', form as Record<string, string>);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('id="op-error"');
    expect(decodeHtml(response.body)).toContain(description);
  });
});
