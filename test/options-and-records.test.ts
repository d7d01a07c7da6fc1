// The profile's named options (AUTHZ-08 requireStateAndNonceForAll, LOGOUT-04
// logoutAcceptClientIdWithoutHint) as configuration variables, and client-record rules: the logo
// (CLIENT-01, AUTHZ-28), the front-channel logout origin (CLIENT-11), client ids with spaces
// (RFC 6749 Appendix A.1), subject_type public (IDT-04, DISC-02), and the RFC 8414 §3.1 metadata
// location for an issuer with a path.
import { crc32, deflateSync } from 'node:zlib';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ClientRegistryError, parseClientRecords } from '../src/registry/client-registry.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { ssoFlow } from './support/sso-flow.js';
import { byId, clientRecord, confidentialClient, idTokenOf, demoClientRecords, demoTestClients, type TestClient, type TokenResponse } from './support/vocabulary.js';

/** A valid PNG of `width` × `height` pixels, one colour (RFC 2083). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x40)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
const pngDataUrl = (width: number, height: number): string => `data:image/png;base64,${png(width, height).toString('base64')}`;

/** The problems a registry of just this record reports (none: []). */
function problemsOf(record: Record<string, unknown>): string[] {
  try {
    parseClientRecords([record], 'test');
    return [];
  } catch (error) {
    if (error instanceof ClientRegistryError) return [...error.problems];
    throw error;
  }
}

const base = { client_id: 'rp', client_secret: 'rp-client-secret-0123456789-0123456789', client_name: 'RP', client_orgno: '991825827', integration_type: 'idporten', redirect_uris: ['https://rp.example/cb'], post_logout_redirect_uris: ['https://rp.example/bye'] };

let provider: TestProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

const registered: Record<string, TestClient> = { ...byId(demoTestClients) };
const flow = ssoFlow<TokenResponse>({ provider: () => provider!, registered, verifier: 'options-and-records-verifier-0123456789-abcdefghij', checkLoginPage: false, tokens: (body) => body });

describe('AUTHZ-08: the requireStateAndNonceForAll option', () => {
  it('AUTHZ-08 OP_REQUIRE_STATE_AND_NONCE is off by default and must be true or false', () => {
    expect(loadConfig({}).requireStateAndNonceForAll).toBe(false);
    expect(loadConfig({ OP_REQUIRE_STATE_AND_NONCE: 'true' }).requireStateAndNonceForAll).toBe(true);
    expect(() => loadConfig({ OP_REQUIRE_STATE_AND_NONCE: 'yes' })).toThrow('OP_REQUIRE_STATE_AND_NONCE must be true or false (AUTHZ-08)');
  });

  it('AUTHZ-08 with the option on, a confidential client must send state and nonce', async () => {
    provider = await startTestProvider({ env: { OP_REQUIRE_STATE_AND_NONCE: 'true' } });
    const browser = new Browser(provider.app);
    const withoutNonce = flow.authorizeUrl('demo-web').replace(/&nonce=[^&]*/, '');
    const noNonce = flow.callbackParams(await browser.get(withoutNonce), 'demo-web');
    expect(noNonce.get('error')).toBe('invalid_request');
    expect(noNonce.get('error_description')).toBe('nonce is required (requireStateAndNonceForAll)');
    const withoutState = flow.authorizeUrl('demo-web').replace(/&state=[^&]*/, '');
    const noState = flow.callbackParams(await browser.get(withoutState), 'demo-web');
    expect(noState.get('error')).toBe('invalid_request');
    expect(noState.get('error_description')).toBe('state is required (requireStateAndNonceForAll)');
    await flow.expectLoginRequired(browser, 'demo-web');
  });

  it('AUTHZ-08 with the option off, a confidential client may leave out state and nonce', async () => {
    provider = await startTestProvider();
    const response = await new Browser(provider.app).get(flow.authorizeUrl('demo-web').replace(/&state=[^&]*/, '').replace(/&nonce=[^&]*/, ''));
    expect(response.statusCode).toBe(303);
    expect(String(response.headers.location)).toMatch(/^\/login\//);
  });
});

describe('LOGOUT-04: the logoutAcceptClientIdWithoutHint option', () => {
  const logout = (browser: Browser, params: Record<string, string>) => browser.get(`/logout?${new URLSearchParams(params)}`);
  const postLogout = registered['demo-spa']!.postLogout;

  it('LOGOUT-04 with the option on, client_id stands in for the hint: a session and a registered URI still needed', async () => {
    provider = await startTestProvider({ env: { OP_LOGOUT_ACCEPT_CLIENT_ID_WITHOUT_HINT: 'true' } });
    const browser = new Browser(provider.app);
    await flow.login(browser, 'demo-spa');
    const response = await logout(browser, { client_id: 'demo-spa', post_logout_redirect_uri: postLogout, state: 'bye' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${postLogout}?state=bye`);
    // Without a session, and with another client's URI, nothing redirects.
    const again = await logout(browser, { client_id: 'demo-spa', post_logout_redirect_uri: postLogout });
    expect(again.statusCode).toBe(200);
    expect(again.headers.location).toBeUndefined();
    const other = new Browser(provider.app);
    await flow.login(other, 'demo-spa');
    const foreign = await logout(other, { client_id: 'demo-spa', post_logout_redirect_uri: registered['demo-web']!.postLogout });
    expect(foreign.headers.location).toBeUndefined();
    expect(foreign.body).toContain('id="logged-out"');
  });

  it('LOGOUT-04 with the option off (the default), client_id without a hint never redirects', async () => {
    provider = await startTestProvider();
    expect(loadConfig({}).logoutAcceptClientIdWithoutHint).toBe(false);
    const browser = new Browser(provider.app);
    await flow.login(browser, 'demo-spa');
    const response = await logout(browser, { client_id: 'demo-spa', post_logout_redirect_uri: postLogout });
    expect(response.statusCode).toBe(200);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toContain('id="logged-out"');
  });
});

describe('CLIENT-01, AUTHZ-28: the client logo', () => {
  it('CLIENT-01 a PNG, JPEG or GIF data URL of at most 135 × 90 px is accepted', () => {
    expect(problemsOf({ ...base, logo: pngDataUrl(135, 90) })).toEqual([]);
    const gif = Buffer.from('GIF89a\x64\x00\x32\x00\x00\x00\x00;', 'latin1');
    expect(problemsOf({ ...base, logo: `data:image/gif;base64,${gif.toString('base64')}` })).toEqual([]);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x28, 0x00, 0x78, 0x03, 0x01, 0x11, 0x00]);
    expect(problemsOf({ ...base, logo: `data:image/jpeg;base64,${jpeg.toString('base64')}` })).toEqual([]);
  });

  it('CLIENT-01 a logo too wide, too high, of another type, not an image or not a data URL is refused at start-up', () => {
    expect(problemsOf({ ...base, logo: pngDataUrl(136, 40) })).toEqual(['client "rp" field logo: must be at most 135 px wide; it is 136 px (CLIENT-01)']);
    expect(problemsOf({ ...base, logo: pngDataUrl(100, 91) })).toEqual(['client "rp" field logo: must be at most 90 px high; it is 91 px (CLIENT-01)']);
    expect(problemsOf({ ...base, logo: `data:image/gif;base64,${png(10, 10).toString('base64')}` })).toEqual(['client "rp" field logo: is not a GIF image (CLIENT-01)']);
    expect(problemsOf({ ...base, logo: 'https://rp.example/logo.png' })).toEqual([
      'client "rp" field logo: must be a data:image/png, data:image/jpeg or data:image/gif URL in base64 (CLIENT-01)',
    ]);
    expect(problemsOf({ ...base, logo: 'data:image/svg+xml;base64,PHN2Zz4=' })).toHaveLength(1);
  });

  it('AUTHZ-28 the login page shows the client logo beside its name', async () => {
    const logo = pngDataUrl(120, 40);
    const client = confidentialClient('logo-client', 'https://logo.example', 'logo-client-secret-0123456789-0123456789');
    registered['logo-client'] = client;
    provider = await startTestProvider({ clients: [...demoClientRecords, { ...clientRecord(client), client_name: 'Logo AS', logo }] });
    const { page } = await flow.openLoginPage(new Browser(provider.app), flow.authorizeUrl('logo-client'));
    expect(page.body).toContain(`<img id="login-client-logo" src="${logo}" alt="">`);
    expect(page.headers['content-security-policy']).toContain("img-src 'self' data:");
    const plain = await flow.openLoginPage(new Browser(provider.app), flow.authorizeUrl('demo-web'));
    expect(plain.page.body).not.toContain('login-client-logo');
  });
});

describe('CLIENT-11: the front-channel logout URI shares scheme, host and port with a redirect URI', () => {
  it('CLIENT-11 another port or another scheme on the same host is refused; the same origin is accepted', () => {
    const message = 'client "rp" field frontchannel_logout_uri: must have the same scheme, host and port as one of the client\'s redirect_uris (CLIENT-11, FCL §2)';
    expect(problemsOf({ ...base, frontchannel_logout_uri: 'https://rp.example:8443/fcl' })).toEqual([message]);
    expect(problemsOf({ ...base, frontchannel_logout_uri: 'http://rp.example/fcl' })).toEqual([message]);
    expect(problemsOf({ ...base, frontchannel_logout_uri: 'https://other.example/fcl' })).toEqual([message]);
    expect(problemsOf({ ...base, frontchannel_logout_uri: 'https://rp.example/fcl?x=1' })).toEqual([]);
    expect(problemsOf({ ...base, redirect_uris: ['https://rp.example:8443/cb'], frontchannel_logout_uri: 'https://rp.example:8443/fcl' })).toEqual([]);
  });
});

describe('RFC 6749 Appendix A.1: a client_id may hold spaces', () => {
  const spaced = { ...base, client_id: 'Min tjeneste 1', redirect_uris: ['https://spaced.example/cb'], post_logout_redirect_uris: ['https://spaced.example/bye'] };
  const push = (authorization: string) =>
    provider!.app.inject({
      method: 'POST',
      url: '/par',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ response_type: 'code', redirect_uri: 'https://spaced.example/cb', scope: 'openid profile', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }).toString(),
    });

  it('CLIENT-01 a record whose client_id holds spaces loads; a blank one does not', () => {
    expect(problemsOf(spaced)).toEqual([]);
    expect(problemsOf({ ...base, client_id: '   ' })).toEqual(['client "   " field client_id: must not be blank']);
    expect(problemsOf({ ...base, client_id: 'tab\there' })).toEqual(['client "tab\\there" field client_id: must be 1-200 printable ASCII characters (RFC 6749 Appendix A.1)']);
  });

  it('TOKEN-04 client_secret_basic with the id form-encoded (+ for a space) authenticates it', async () => {
    provider = await startTestProvider({ clients: [...demoClientRecords, spaced] });
    const header = (id: string) => `Basic ${Buffer.from(`${id}:${base.client_secret}`).toString('base64')}`;
    expect((await push(header('Min+tjeneste+1'))).statusCode).toBe(201);
    expect((await push(header('Min%20tjeneste%201'))).statusCode).toBe(201);
    const wrong = await push(header('Min+tjeneste+2'));
    expect(wrong.statusCode).toBe(401);
  });
});

describe('IDT-04, DISC-02: subject_type public for clients that register it', () => {
  it('IDT-04 two public clients see the same sub, a pairwise client another one; discovery lists both types', async () => {
    const pub = (id: string, host: string) => {
      const client = confidentialClient(id, `https://${host}`, `${id}-client-secret-0123456789-0123456789`);
      registered[id] = client;
      return { ...clientRecord(client), client_name: id, subject_type: 'public' };
    };
    provider = await startTestProvider({ clients: [...demoClientRecords, pub('pub-a', 'a.example'), pub('pub-b', 'b.example')] });
    const browser = new Browser(provider.app);
    const a = decodeJwt(idTokenOf(await flow.login(browser, 'pub-a'))).sub;
    const b = decodeJwt(idTokenOf(await flow.silent(browser, 'pub-b'))).sub;
    const web = decodeJwt(idTokenOf(await flow.silent(browser, 'demo-web'))).sub;
    expect(a).toBe(b);
    expect(web).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const metadata = (await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json<{ subject_types_supported: string[] }>();
    expect(metadata.subject_types_supported).toEqual(['public', 'pairwise']);
    expect(problemsOf({ ...base, subject_type: 'shared' })).toEqual(['client "rp" field subject_type: must be pairwise or public (IDT-04)']);
  });
});

describe('RFC 8414 §3.1: metadata of an issuer with a path', () => {
  it('DISC-03 the authorization server metadata is served with the well-known segment between host and path', async () => {
    provider = await startTestProvider({ env: { OP_ISSUER: 'https://op.example/idp' } });
    const inserted = await provider.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server/idp' });
    expect(inserted.statusCode).toBe(200);
    expect(inserted.json()).toMatchObject({ issuer: 'https://op.example/idp', token_endpoint: 'https://op.example/idp/token' });
    expect((await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json()).toEqual(inserted.json());
  });
});
