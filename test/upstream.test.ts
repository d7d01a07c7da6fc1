// The upstream eID (AUTHN-01, AUTHN-02): a second instance of this provider acts as the upstream
// OpenID Provider. Both listen on 127.0.0.1 (state in real Redis); a cookie-keeping HTTP browser
// walks the whole round trip — relying party (openid-client) → provider → upstream's login page →
// upstream's answer → provider → relying party — with PKCE, PAR at the upstream, client_secret_basic
// or private_key_jwt, the upstream's id_token validated, and its claims mapped to pid, acr and amr.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamAuthenticator } from '../src/authn/upstream.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { freePort } from './support/chromium.js';
import { HIGH, SUBSTANTIAL, csrfOf, decodeHtml, demoClientRecords, demoPkjwtKey, orgno, pid, web, webSecret } from './support/vocabulary.js';

/** A browser over real HTTP: cookies per origin and path, every hop visible (redirects are not followed). */
class HttpBrowser {
  private readonly jar = new Map<string, { value: string; path: string }>();
  private key = (origin: string, name: string, path: string) => `${origin} ${name} ${path}`;

  private send(url: URL): string | undefined {
    const cookies = [...this.jar].filter(([key, c]) => key.startsWith(`${url.origin} `) && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)));
    return cookies.length ? cookies.map(([key, c]) => `${key.split(' ')[1]}=${c.value}`).join('; ') : undefined;
  }

  private keep(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const [name, ...rest] = pair!.split('=');
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const gone = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()));
      if (gone) this.jar.delete(this.key(url.origin, name!, path));
      else this.jar.set(this.key(url.origin, name!, path), { value: rest.join('='), path });
    }
  }

  async get(href: string): Promise<{ url: URL; status: number; location?: string; body: string }> {
    const url = new URL(href);
    const cookie = this.send(url);
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    this.keep(url, response);
    const location = response.headers.get('location');
    return { url, status: response.status, ...(location ? { location: new URL(location, url).href } : {}), body: await response.text() };
  }

  async post(href: string, form: Record<string, string>): Promise<{ url: URL; status: number; location?: string; body: string }> {
    const url = new URL(href);
    const cookie = this.send(url);
    const response = await fetch(url, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) } });
    this.keep(url, response);
    const location = response.headers.get('location');
    return { url, status: response.status, ...(location ? { location: new URL(location, url).href } : {}), body: await response.text() };
  }

  /** Follow redirects (and the meta refresh of the eID answer's page) until `stop` says so. */
  async follow(href: string, stop: (url: URL) => boolean, limit = 10): Promise<{ url: URL; status: number; location?: string; body: string }> {
    let next = href;
    for (let i = 0; i < limit; i++) {
      if (stop(new URL(next))) return { url: new URL(next), status: 0, body: '' };
      const answer = await this.get(next);
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(answer.body)?.[1];
      if (answer.location) next = answer.location;
      else if (refresh) next = new URL(decodeHtml(refresh), answer.url).href;
      else return answer;
    }
    throw new Error(`too many hops from ${href}`);
  }
}

const upstreamSecret = 'upstream-client-secret-0123456789-abcdefgh';
const dir = mkdtempSync(join(tmpdir(), 'op-upstream-'));
const keyFile = join(dir, 'key.json');
writeFileSync(keyFile, JSON.stringify(demoPkjwtKey));

interface Pair {
  upstream: TestProvider;
  provider: TestProvider;
  upstreamIssuer: string;
  issuer: string;
  close(): Promise<void>;
}

/** The upstream (A) with two clients for the provider (B): a secret one and a private_key_jwt one; then B configured by `env`. */
async function startPair(env: (upstreamIssuer: string) => Record<string, string>): Promise<Pair> {
  const [portA, portB] = [await freePort(), await freePort()];
  const upstreamIssuer = `http://127.0.0.1:${portA}`;
  const issuer = `http://127.0.0.1:${portB}`;
  const pkjwt = demoClientRecords.find((c) => c.client_id === 'demo-pkjwt') as unknown as { jwks: unknown };
  const downstream = { client_orgno: orgno, integration_type: 'idporten', redirect_uris: [`${issuer}/upstream/callback`], post_logout_redirect_uris: [`${issuer}/`] };
  const upstream = await startTestProvider({
    env: { OP_ISSUER: upstreamIssuer },
    clients: [
      { ...downstream, client_id: 'downstream', client_name: 'Downstream OP', client_secret: upstreamSecret },
      { ...downstream, client_id: 'downstream-pkjwt', client_name: 'Downstream OP (key)', token_endpoint_auth_method: 'private_key_jwt', jwks: pkjwt.jwks },
    ],
  });
  await upstream.app.listen({ port: portA, host: '127.0.0.1' });
  const provider = await startTestProvider({ env: { OP_ISSUER: issuer, ...env(upstreamIssuer) }, clients: demoClientRecords });
  await provider.app.listen({ port: portB, host: '127.0.0.1' });
  return { upstream, provider, upstreamIssuer, issuer, close: async () => void (await Promise.all([provider.close(), upstream.close()])) };
}

const secretEnv = (upstreamIssuer: string) => ({ OP_UPSTREAM_ISSUER: upstreamIssuer, OP_UPSTREAM_CLIENT_ID: 'downstream', OP_UPSTREAM_CLIENT_SECRET: upstreamSecret, OP_UPSTREAM_NAME: 'Upstream eID' });

/** The relying party: openid-client against the provider (B), over real HTTP. */
async function relyingParty(issuer: string) {
  const config = await oidc.discovery(new URL(issuer), web.id, { id_token_signed_response_alg: 'RS256' }, oidc.ClientSecretBasic(webSecret), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = (extra: Record<string, string> = {}) =>
    oidc.buildAuthorizationUrl(config, { redirect_uri: web.redirectUri, scope: 'openid profile', code_challenge: oidc.calculatePKCECodeChallenge(verifier) as unknown as string, code_challenge_method: 'S256', state, nonce, ...extra });
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  return {
    config,
    authorizeUrl: (extra: Record<string, string> = {}) => {
      const built = url(extra);
      built.searchParams.set('code_challenge', challenge);
      return built.href;
    },
    redeem: (callback: string) => oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true }),
    state,
  };
}

const atClient = (url: URL) => url.href.startsWith(web.redirectUri);

/** The provider's login page → the upstream link → the upstream's login page. */
async function toUpstreamLoginPage(browser: HttpBrowser, pair: Pair, authorizeUrl: string) {
  const page = await browser.follow(authorizeUrl, () => false);
  expect(page.url.origin).toBe(pair.issuer);
  expect(page.body).toContain('id="upstream-login-submit"');
  const link = decodeHtml(/id="upstream-login-submit" href="([^"]+)"/.exec(page.body)![1]!);
  const start = await browser.get(new URL(link, pair.issuer).href);
  expect(start.status).toBe(303);
  const upstreamLogin = await browser.follow(start.location!, () => false);
  expect(upstreamLogin.url.origin).toBe(pair.upstreamIssuer);
  expect(upstreamLogin.body).toContain('id="login-form"');
  return { start, upstreamLogin };
}

/** Submit the upstream's TestID page and follow its answer back through the provider to the client. */
async function loginAtUpstream(browser: HttpBrowser, upstreamLogin: { url: URL; body: string }, user: { pid?: string; acr?: string; action?: string } = {}) {
  const answer = await browser.post(upstreamLogin.url.href, { csrf: csrfOf(upstreamLogin.body), action: user.action ?? 'login', pid: user.pid ?? pid, acr: user.acr ?? SUBSTANTIAL });
  expect(answer.status, answer.body.slice(0, 300)).toBe(303);
  return browser.follow(answer.location!, atClient);
}

describe('AUTHN-01 the upstream eID, with client_secret_basic', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(secretEnv);
  });
  afterAll(async () => pair.close());

  it('AUTHN-01 AUTHN-02 a full round trip: PKCE, PAR at the upstream, its id_token validated, pid, acr and amr mapped into our id_token', async () => {
    const rp = await relyingParty(pair.issuer);
    const browser = new HttpBrowser();
    const { start, upstreamLogin } = await toUpstreamLoginPage(browser, pair, rp.authorizeUrl({ acr_values: HIGH }));
    // RFC 9126: the upstream offers PAR, so only client_id and request_uri travel in the URL.
    const toUpstream = new URL(start.location!);
    expect(toUpstream.origin).toBe(pair.upstreamIssuer);
    expect([...toUpstream.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    // AUTHN-02: our minimum is asked of the upstream through the mapping table.
    expect(upstreamLogin.body).not.toContain(`value="${SUBSTANTIAL}"`);
    const back = await loginAtUpstream(browser, upstreamLogin, { acr: HIGH });
    const tokens = await rp.redeem(back.url.href);
    expect(tokens.claims()).toMatchObject({ iss: pair.issuer, aud: web.id, pid, acr: HIGH, amr: ['TestID'] });
  });

  it('AUTHZ-26 AUTHN-01 the user cancels at the upstream: access_denied reaches the client', async () => {
    const rp = await relyingParty(pair.issuer);
    const browser = new HttpBrowser();
    const { upstreamLogin } = await toUpstreamLoginPage(browser, pair, rp.authorizeUrl());
    const back = await loginAtUpstream(browser, upstreamLogin, { action: 'cancel' });
    expect(back.url.searchParams.get('error')).toBe('access_denied');
    expect(back.url.searchParams.get('error_description')).toBe('The user cancelled the login at the eID');
    expect(back.url.searchParams.get('state')).toBe(rp.state);
  });

  it('AUTHN-01 an answer whose state was tampered with is refused (server_error naming the rule), and the login is used up', async () => {
    const rp = await relyingParty(pair.issuer);
    const browser = new HttpBrowser();
    const { upstreamLogin } = await toUpstreamLoginPage(browser, pair, rp.authorizeUrl());
    const answer = await browser.post(upstreamLogin.url.href, { csrf: csrfOf(upstreamLogin.body), action: 'login', pid, acr: SUBSTANTIAL });
    const callback = new URL(answer.location!);
    const [id] = callback.searchParams.get('state')!.split('.');
    callback.searchParams.set('state', `${id}.${'A'.repeat(43)}`);
    const back = await browser.follow(callback.href, atClient);
    expect(back.url.searchParams.get('error')).toBe('server_error');
    expect(back.url.searchParams.get('error_description')).toBe("The eID's answer failed validation");
    // Single use: the real answer now finds the login completed.
    const replay = await browser.follow(answer.location!, atClient);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('id="op-error"');
  });

  it('AUTHN-01 a callback whose state names no pending login ends on the error page', async () => {
    const browser = new HttpBrowser();
    for (const state of ['', 'nonsense', `${'a'.repeat(22)}.${'b'.repeat(43)}`]) {
      const answer = await browser.follow(`${pair.issuer}/upstream/callback?code=x&state=${state}`, () => false);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatch(/id="op-error-code">invalid_request</);
    }
  });

  it('AUTHN-01 the selector lists TestID and the upstream eID; discovery keeps the national levels only as the upstream gives', async () => {
    const rp = await relyingParty(pair.issuer);
    const page = await new HttpBrowser().follow(rp.authorizeUrl(), () => false);
    expect(page.body).toContain('id="eid-selector"');
    expect(page.body).toContain('id="eid-testid"');
    expect(page.body).toContain('id="eid-upstream"');
    expect(page.body).toContain('Upstream eID');
  });
});

describe('AUTHN-01 the upstream eID alone, with private_key_jwt and a level mapping table', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair((upstreamIssuer) => ({
      OP_UPSTREAM_ISSUER: upstreamIssuer,
      OP_UPSTREAM_CLIENT_ID: 'downstream-pkjwt',
      OP_UPSTREAM_PRIVATE_KEY_FILE: keyFile,
      // Only the upstream's high level is mapped; its substantial level is not.
      OP_UPSTREAM_ACR_MAP: `${HIGH}=${HIGH}`,
      OP_UPSTREAM_AMR: 'BankID',
    }));
  });
  afterAll(async () => pair.close());

  /** The provider with only its upstream eID (as in prod). */
  const onlyUpstream = (p: Pair) => p.provider.context.authenticators.filter((a) => a.id === 'upstream');

  it('AUTHN-01 AUTHN-02 private_key_jwt at the upstream; a fixed amr; the only eligible eID skips the selector', async () => {
    const alone = await startTestProvider({ env: { OP_ISSUER: pair.issuer }, clients: demoClientRecords, authenticators: onlyUpstream(pair), prefix: pair.provider.prefix });
    try {
      await pair.provider.app.close();
      await alone.app.listen({ port: Number(new URL(pair.issuer).port), host: '127.0.0.1' });
      const rp = await relyingParty(pair.issuer);
      const browser = new HttpBrowser();
      const upstreamLogin = await browser.follow(rp.authorizeUrl(), () => false);
      // AUTHN-01: no selector: straight to the upstream's page.
      expect(upstreamLogin.url.origin).toBe(pair.upstreamIssuer);
      const back = await loginAtUpstream(browser, upstreamLogin, { acr: HIGH });
      const tokens = await rp.redeem(back.url.href);
      expect(tokens.claims()).toMatchObject({ pid, acr: HIGH, amr: ['BankID'] });
    } finally {
      await alone.close();
    }
  });
});

describe('AUTHN-02 a level the mapping table does not know', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair((upstreamIssuer) => ({ ...secretEnv(upstreamIssuer), OP_UPSTREAM_ACR_MAP: `${HIGH}=${HIGH},Level3=${SUBSTANTIAL}` }));
  });
  afterAll(async () => pair.close());

  it('AUTHN-02 the upstream answers with an unmapped acr: unmet_authentication_requirements reaches the client', async () => {
    const rp = await relyingParty(pair.issuer);
    const browser = new HttpBrowser();
    // We ask the upstream for "Level3" (our substantial); the upstream issues idporten-loa-substantial, which is not mapped.
    const { upstreamLogin } = await toUpstreamLoginPage(browser, pair, rp.authorizeUrl());
    const back = await loginAtUpstream(browser, upstreamLogin, { acr: SUBSTANTIAL });
    expect(back.url.searchParams.get('error')).toBe('unmet_authentication_requirements');
  });
});

describe('AUTHN-01 an upstream that cannot be reached', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    const closedPort = await freePort();
    provider = await startTestProvider({ env: { OP_ISSUER: 'http://localhost:3000', ...secretEnv(`http://127.0.0.1:${closedPort}`) }, clients: demoClientRecords });
  });
  afterAll(async () => provider.close());

  it('AUTHN-01 choosing it answers the client temporarily_unavailable, never a 500', async () => {
    const start = await provider.app.inject({ method: 'GET', url: `/authorize?response_type=code&client_id=${web.id}&redirect_uri=${encodeURIComponent(web.redirectUri)}&scope=openid&state=s1&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256` });
    const cookie = String(start.headers['set-cookie']).split(';')[0]!;
    const go = await provider.app.inject({ method: 'GET', url: `${String(start.headers.location)}/external/upstream`, headers: { cookie } });
    expect(go.statusCode).toBe(303);
    const location = new URL(String(go.headers.location));
    expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(location.searchParams.get('error_description')).toBe('The eID could not be reached');
  });
});

describe('AUTHN-01 the OP_UPSTREAM_* variables', () => {
  const problems = (env: Record<string, string>): readonly string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };
  const base = { OP_UPSTREAM_ISSUER: 'https://idporten.example', OP_UPSTREAM_CLIENT_ID: 'me', OP_UPSTREAM_CLIENT_SECRET: upstreamSecret };

  it.each([
    ['a client id without an issuer', { OP_UPSTREAM_CLIENT_ID: 'me' }, 'OP_UPSTREAM_ISSUER is required when any other OP_UPSTREAM_* variable is set'],
    ['an issuer without a client id', { OP_UPSTREAM_ISSUER: 'https://idporten.example', OP_UPSTREAM_CLIENT_SECRET: upstreamSecret }, 'OP_UPSTREAM_CLIENT_ID is required with OP_UPSTREAM_ISSUER'],
    ['no credential', { OP_UPSTREAM_ISSUER: 'https://idporten.example', OP_UPSTREAM_CLIENT_ID: 'me' }, 'OP_UPSTREAM_CLIENT_SECRET is required for client_secret_basic'],
    ['two credentials', { ...base, OP_UPSTREAM_PRIVATE_KEY_FILE: keyFile }, 'OP_UPSTREAM_CLIENT_SECRET must not be set together with OP_UPSTREAM_PRIVATE_KEY_FILE: one credential'],
    ['private_key_jwt without a key', { ...base, OP_UPSTREAM_CLIENT_AUTH: 'private_key_jwt' }, 'OP_UPSTREAM_PRIVATE_KEY_FILE is required for private_key_jwt'],
    ['an issuer with a trailing slash', { ...base, OP_UPSTREAM_ISSUER: 'https://idporten.example/' }, 'OP_UPSTREAM_ISSUER must be an absolute http(s) URL without a query, fragment or trailing slash'],
    ['a level that is not ours', { ...base, OP_UPSTREAM_ACR_MAP: 'Level4=loa-4' }, 'OP_UPSTREAM_ACR_MAP must be comma-separated upstream=level pairs'],
    ['a table over both scales', { ...base, OP_UPSTREAM_ACR_MAP: `a=${HIGH},b=eidas-loa-high` }, 'OP_UPSTREAM_ACR_MAP must map to one scale'],
    ['a scope without openid', { ...base, OP_UPSTREAM_SCOPE: 'profile' }, 'OP_UPSTREAM_SCOPE must be space-separated scopes beginning with openid'],
  ])('AUTHN-01 refuses %s, naming the variable (never the secret)', (_, env, problem) => {
    const found = problems(env);
    expect(found.some((p) => p.startsWith(problem))).toBe(true);
    expect(found.join(' ')).not.toContain(upstreamSecret);
  });

  it('AUTHN-01 ENV-03 prod mode refuses an http upstream', () => {
    expect(problems({ ...base, OP_MODE: 'prod', OP_UPSTREAM_ISSUER: 'http://idporten.example' })).toContain('OP_UPSTREAM_ISSUER must be https in prod mode (ENV-03)');
  });

  it('AUTHN-01 AUTHN-02 the table gives the levels and the scale of the eID', () => {
    const config = loadConfig({ ...base, OP_UPSTREAM_ACR_MAP: 'eidas-substantial=eidas-loa-substantial,eidas-high=eidas-loa-high' });
    const eid = upstreamAuthenticator({ ...config.upstream!, privateKey: undefined, acrMap: new Map(config.upstream!.acrMap) }, 'test');
    expect(eid.scale).toBe('eidas');
    expect(eid.levels).toEqual(['eidas-loa-substantial', 'eidas-loa-high']);
  });
});
