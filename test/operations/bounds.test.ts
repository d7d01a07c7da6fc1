// Bounded state (issue: memory exhaustion through /par, the login cookie overflow): every value
// the provider keeps is bounded. An authorization or pushed request with more than 10 resource
// values, or whose parameters exceed 8 KB in total, is invalid_request (docs/interface.md,
// "Operations"); the embedded store holds a bounded number of entries and bytes, evicting the
// soonest-expiring first; and the sealed login cookie stays under the 4 KB a browser keeps for
// every accepted request, however large.
import { afterEach, describe, expect, it } from 'vitest';
import { keySpace } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { Browser, loginThroughBrowser } from '../support/browser.js';
import { uniquePrefix } from '../support/redis.js';
import { authorizeQuery, tokenFlow } from '../support/token-flow.js';
import { expectOAuthError, spa, web, type FormParams } from '../support/vocabulary.js';

let provider: TestProvider;
afterEach(async () => provider?.close());

const flow = tokenFlow({ provider: () => provider, now: () => Date.now() });
const verifier = 'bounds-test-verifier-0123456789-0123456789-abcdef';

/** Ten distinct absolute resource URIs of about `length` characters each. */
const resources = (count: number, length: number): string[] =>
  Array.from({ length: count }, (_, i) => `https://api${i}.example.no/${'r'.repeat(Math.max(1, length - 30))}`);

/** The parameters of an authorization request as an object (one resource parameter each). */
function request(extra: { state?: string; nonce?: string; resource?: string[]; unknown?: string } = {}): FormParams {
  const query = authorizeQuery(web, verifier);
  const params: FormParams = Object.fromEntries(query);
  if (extra.state !== undefined) params.state = extra.state;
  if (extra.nonce !== undefined) params.nonce = extra.nonce;
  if (extra.resource !== undefined) params.resource = extra.resource;
  if (extra.unknown !== undefined) params.unknown_parameter = extra.unknown;
  return params;
}

describe('request bounds', () => {
  it('/par refuses more than 10 resource values with invalid_request naming the bound', async () => {
    provider = await startTestProvider();
    expect((await flow.postAs('/par', web, request({ resource: resources(10, 40) }))).statusCode).toBe(201);
    const refused = await flow.postAs('/par', web, request({ resource: resources(11, 40) }));
    expectOAuthError(refused, 400, 'invalid_request');
    expect(refused.json<{ error_description: string }>().error_description).toBe('resource may be given at most 10 times');
  });

  it('/par refuses parameters of more than 8 KB in total with invalid_request naming the bound', async () => {
    provider = await startTestProvider();
    const refused = await flow.postAs('/par', web, request({ state: 's'.repeat(2000), nonce: 'n'.repeat(500), resource: resources(10, 600) }));
    expectOAuthError(refused, 400, 'invalid_request');
    expect(refused.json<{ error_description: string }>().error_description).toBe('The authorization parameters exceed 8192 bytes in total');
    // Unknown parameters count too: they are ignored (AUTHZ-22), but they were sent.
    expectOAuthError(await flow.postAs('/par', web, request({ unknown: 'u'.repeat(8200) })), 400, 'invalid_request');
  });

  it('/authorize redirects the same refusals once the redirect_uri is verified', async () => {
    provider = await startTestProvider();
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request({ resource: resources(11, 40) }))) for (const v of [value].flat()) if (v !== undefined) query.append(name, v);
    const response = await provider.app.inject({ method: 'GET', url: `/authorize?${query}` });
    expect(response.statusCode).toBe(303);
    const location = new URL(String(response.headers.location));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe('resource may be given at most 10 times');
  });
});

describe('the login cookie', () => {
  /** The largest request the bounds accept: state, nonce and 10 resource values near 8 KB. */
  const large = (): FormParams => request({ state: 's'.repeat(2048), nonce: 'n'.repeat(512), resource: resources(10, 520) });

  const cookieOf = (setCookie: string | string[] | undefined): string => [setCookie].flat().find((c) => c?.startsWith('op_ix=')) ?? '';

  it('stays within the 4 KB a browser keeps for the largest accepted request, and the login completes (plain /authorize)', async () => {
    provider = await startTestProvider();
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(large())) for (const v of [value].flat()) if (v !== undefined) query.append(name, v);
    const browser = new Browser(provider.app);
    const start = await browser.get(`/authorize?${query}`);
    expect(start.statusCode, start.body).toBe(303);
    expect(cookieOf(start.headers['set-cookie']).length).toBeLessThanOrEqual(4096);
    const { response } = await loginThroughBrowser(browser, `/authorize?${query}`);
    expect(response.statusCode, response.body).toBe(303);
    expect(new URL(String(response.headers.location)).searchParams.get('code')).toBeTruthy();
  });

  it('stays within 4 KB for the largest pushed request too, and the login completes (PAR)', async () => {
    provider = await startTestProvider();
    const pushed = await flow.postAs('/par', web, large());
    expect(pushed.statusCode, pushed.body).toBe(201);
    const browser = new Browser(provider.app);
    const url = `/authorize?client_id=${web.id}&request_uri=${encodeURIComponent(pushed.json<{ request_uri: string }>().request_uri)}`;
    const start = await browser.get(url);
    expect(start.statusCode, start.body).toBe(303);
    expect(cookieOf(start.headers['set-cookie']).length).toBeLessThanOrEqual(4096);
    const loginPath = String(start.headers.location);
    const page = await browser.get(loginPath);
    expect(page.statusCode, page.body).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const done = await browser.post(loginPath, { csrf, action: 'login', pid: '21879498012', acr: 'idporten-loa-substantial' });
    expect(done.statusCode, done.body).toBe(303);
    const code = new URL(String(done.headers.location)).searchParams.get('code')!;
    const tokens = await flow.redeem({ client: web, code, verifier });
    expect(tokens.statusCode, tokens.body).toBe(200);
  });
});

describe('the embedded store', () => {
  it('holds a bounded number of entries, evicting the soonest-expiring first', async () => {
    const prefix = uniquePrefix('bounded');
    const store = new MemoryStore(keySpace(prefix).usedMarker, Date.now, { maxEntries: 50, maxBytes: 1 << 30 });
    provider = await startTestProvider({ store, prefix });
    const pushed: string[] = [];
    for (let i = 0; i < 80; i++) {
      const response = await flow.postAs('/par', spa, Object.fromEntries(authorizeQuery(spa, verifier)));
      expect(response.statusCode, response.body).toBe(201);
      pushed.push(response.json<{ request_uri: string }>().request_uri);
    }
    expect(store.size).toBeLessThanOrEqual(50);
    const open = (requestUri: string) => provider.app.inject({ method: 'GET', url: `/authorize?client_id=${spa.id}&request_uri=${encodeURIComponent(requestUri)}` });
    // The first pushed (soonest to expire) made room for the last.
    expect((await open(pushed[0]!)).body).toContain('<code id="op-error-code">invalid_request_uri</code>');
    expect((await open(pushed[79]!)).statusCode).toBe(303);
  });

  it('holds a bounded number of bytes', async () => {
    const prefix = uniquePrefix('bounded');
    const store = new MemoryStore(keySpace(prefix).usedMarker, Date.now, { maxEntries: 1_000_000, maxBytes: 64 * 1024 });
    provider = await startTestProvider({ store, prefix });
    for (let i = 0; i < 40; i++) {
      const response = await flow.postAs('/par', spa, { ...Object.fromEntries(authorizeQuery(spa, verifier)), state: 's'.repeat(2000), nonce: 'n'.repeat(500) });
      expect(response.statusCode, response.body).toBe(201);
    }
    expect(store.bytes).toBeLessThanOrEqual(64 * 1024);
  });
});
