import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthError } from '../src/errors.js';
import { supportedLocales } from '../src/i18n/locale.js';
import { messages } from '../src/i18n/messages.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { expectErrorPage } from './support/vocabulary.js';

// Routes that exist only in this test, to drive the one error handler through HTTP.
async function withProbeRoutes(provider: TestProvider): Promise<void> {
  const { app } = provider;
  app.post('/probe/json', async (request) => {
    const body = request.body as Record<string, unknown>;
    if (body.kind === 'oauth') throw new OAuthError('invalid_client', 'Client authentication failed', { wwwAuthenticate: 'Basic realm="op"', detail: 'secret mismatch' });
    throw new Error('database exploded: password=hunter2');
  });
  app.get('/probe/html', { config: { errorStyle: 'html' } }, async (request) => {
    request.clientName = 'Demo <Web> Service';
    throw new OAuthError('invalid_request', 'Unknown redirect_uri for "demo" \\ client', { mayRedirect: false });
  });
  app.get('/probe/html-crash', { config: { errorStyle: 'html' } }, async () => {
    throw new Error('boom');
  });
}

describe('error model', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider();
    await withProbeRoutes(provider);
  });
  afterAll(async () => provider.close());

  it('ERR-03 an OAuthError becomes a JSON body with error and error_description, no-store', async () => {
    const response = await provider.app.inject({ method: 'POST', url: '/probe/json', payload: 'kind=oauth', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    // ERR-04: 401 with the challenge when Basic was tried
    expect(response.headers['www-authenticate']).toBe('Basic realm="op"');
  });

  it('ERR-04 an unexpected fault is a 500 server_error that leaks nothing but a reference', async () => {
    const response = await provider.app.inject({ method: 'POST', url: '/probe/json', payload: 'kind=crash', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.statusCode).toBe(500);
    const body = response.json<{ error: string; error_description: string }>();
    expect(body.error).toBe('server_error');
    expect(body.error_description).toBe(`An unexpected error occurred; reference ${response.headers['x-request-id']}`);
    expect(response.body).not.toContain('hunter2');
  });

  it('ERR-04 a wrong method on a known endpoint is 405 with Allow', async () => {
    const response = await provider.app.inject({ method: 'DELETE', url: '/jwks.json' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect(response.json()).toEqual({ error: 'method_not_allowed', error_description: 'This endpoint accepts GET, HEAD' });
  });

  it('ERR-04 an unknown path is a 404 JSON error', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/no/such/thing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', error_description: 'There is no such endpoint' });
  });

  it('ERR-03 a body of the wrong media type or too large is invalid_request, never a crash', async () => {
    const wrongType = await provider.app.inject({ method: 'POST', url: '/probe/json', payload: '<xml/>', headers: { 'content-type': 'application/xml' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toEqual({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded' });
    const tooLarge = await provider.app.inject({ method: 'POST', url: '/probe/json', payload: `a=${'x'.repeat(70_000)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ error: 'invalid_request' });
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
      const other = await provider.app.inject({ method: 'POST', url: '/probe/json', payload: '{"kind":"oauth"}', headers: { 'content-type': type } });
      expect(other.statusCode, type).toBe(400);
      expect(other.json()).toEqual({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded' });
    }
  });

  it('ERR-01 a browser error is an HTML page with status 400, the stable ids, the client name and a reference', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/probe/html' });
    // Status 400, HTML never cached, the stable ids, no link.
    expectErrorPage(response, 'invalid_request');
    expect(response.body).toContain(`<code id="op-error-reference">${response.headers['x-request-id']}</code>`);
    // escaped, never raw
    expect(response.body).toContain('Demo &lt;Web&gt; Service');
    // RFC 6749 §5.2 charset: no quote or backslash survives in the description
    expect(response.body).toContain('Unknown redirect_uri for ?demo? ? client');
  });

  it('ERR-01 AUTHZ-28 the error page cannot be framed and runs no script', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/probe/html' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('ERR-01 AUTHZ-13 the error page speaks nb by default, and nn, en and se when asked', async () => {
    for (const locale of supportedLocales) {
      const viaQuery = await provider.app.inject({ method: 'GET', url: `/probe/html?ui_locales=${locale}` });
      expect(viaQuery.body).toContain(`<html lang="${locale}">`);
      expect(viaQuery.body).toContain(messages[locale].errorTitle);
      const viaCookie = await provider.app.inject({ method: 'GET', url: '/probe/html?ui_locales=en', cookies: { IDPORTEN_SELECTED_LANGUAGE: locale } });
      expect(viaCookie.body).toContain(`<html lang="${locale}">`);
    }
    expect((await provider.app.inject({ method: 'GET', url: '/probe/html' })).body).toContain('<html lang="nb">');
    expect((await provider.app.inject({ method: 'GET', url: '/probe/html?ui_locales=de%20nn' })).body).toContain('<html lang="nn">');
  });

  it('ERR-01 an unexpected fault on a browser route is the error page with status 500', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/probe/html-crash' });
    expectErrorPage(response, 'server_error', { status: 500 });
    expect(response.body).not.toContain('boom');
  });
});
