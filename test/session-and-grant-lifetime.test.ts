// The session's idle clock (SSO-02), what the session records of each participant (SSO-10), and
// how long a grant may live counted from the login it rests on (TOKEN-15), through the HTTP
// surface on a test clock against real Redis.
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../src/store/sessions.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { ssoFlow } from './support/sso-flow.js';
import { HIGH, MINUTE, byId, clientRecord, confidentialClient, demoClientRecords, idTokenOf, demoTestClients, isolatedWeb, isolatedWebRecord, type TokenResponse } from './support/vocabulary.js';

const shortGrant = confidentialClient('short-grant', 'http://localhost:8096', 'short-grant-client-secret-0123456789-abcdefg');
const registered = byId([...demoTestClients, isolatedWeb, shortGrant]);

const clients: unknown[] = [
  ...demoClientRecords,
  isolatedWebRecord,
  {
    ...clientRecord(shortGrant),
    client_name: 'Short Grant Service',
    grant_types: ['authorization_code', 'refresh_token'],
    // TOKEN-15: the grant may live 50 minutes from the login.
    authorization_lifetime: 3000,
    access_token_lifetime: 600,
    refresh_token_lifetime: 1200,
  },
];

let provider: TestProvider;
let now: number;

beforeEach(async () => {
  now = Math.floor(Date.now() / 1000) * 1000;
  provider = await startTestProvider({ clients, clock: () => now });
});
afterEach(async () => provider.close());

/** The token response fields these tests read. */
type Tokens = TokenResponse & { expires_in: number };

const flow = ssoFlow<Tokens>({
  provider: () => provider,
  registered,
  verifier: 'session-and-grant-lifetime-verifier-0123456789-abc',
  checkLoginPage: false,
  tokens: (body) => body as Tokens,
});

const sessionStore = () => new SessionStore(provider.context.store, provider.context.keys);
const sessionCookieOf = (browser: Browser): string => browser.cookies.get('op_sso')!.value;

describe('SSO-02: every authorization request handled with the session restarts the idle clock', () => {
  // Each case: a request 25 minutes after the login that does not end in a code, then 25 more
  // minutes (50 after the login, 25 after that request): the session must still answer by SSO.
  const cases: [string, (browser: Browser) => Promise<void>][] = [
    [
      'one that ends in interaction_required (prompt=none, step-up needed)',
      async (browser) => {
        const query = flow.callbackParams(await browser.get(flow.authorizeUrl('demo-web', { prompt: 'none', acr_values: HIGH })), 'demo-web');
        expect(query.get('error')).toBe('interaction_required');
      },
    ],
    [
      'one that ends in login_required (prompt=none, an isolated client without its own login)',
      async (browser) => {
        const query = flow.callbackParams(await browser.get(flow.authorizeUrl('isolated-web', { prompt: 'none' })), 'isolated-web');
        expect(query.get('error')).toBe('login_required');
      },
    ],
    [
      'one that ends on the login page (step-up)',
      async (browser) => {
        await flow.expectLoginRequired(browser, 'demo-web', { acr_values: HIGH });
      },
    ],
  ];

  for (const [name, request] of cases) {
    it(`SSO-02 ${name}`, async () => {
      const browser = new Browser(provider.app);
      await flow.login(browser, 'demo-web');
      now += 25 * MINUTE;
      await request(browser);
      now += 25 * MINUTE;
      const tokens = await flow.silent(browser, 'demo-web');
      expect(decodeJwt(idTokenOf(tokens)).acr).toBe('idporten-loa-substantial');
    });
  }

  it('SSO-02 without such a request the session idles out after 30 minutes (the control case)', async () => {
    const browser = new Browser(provider.app);
    await flow.login(browser, 'demo-web');
    now += 31 * MINUTE;
    expect(await flow.promptNoneError(browser, 'demo-web')).toBe('login_required');
  });

  it('SSO-02 the restarted clock is also what the session cookie is given to live', async () => {
    const browser = new Browser(provider.app);
    await flow.login(browser, 'demo-web');
    now += 25 * MINUTE;
    const response = await browser.get(flow.authorizeUrl('demo-web', { prompt: 'none', acr_values: HIGH }));
    const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith('op_sso='));
    expect(setCookie).toMatch(/Max-Age=1800\b/);
  });
});

describe('SSO-10: the session records each participant with its isolation flag', () => {
  it('SSO-10 a common and an isolated participant are recorded with isolated false and true', async () => {
    const browser = new Browser(provider.app);
    await flow.login(browser, 'demo-web');
    await flow.login(browser, 'isolated-web');
    const record = await sessionStore().find(sessionCookieOf(browser));
    const commonSid = record!.common!.sid;
    const isolatedSid = record!.isolated!['isolated-web']!.sid;
    expect(isolatedSid).not.toBe(commonSid);
    expect(await sessionStore().participants(commonSid)).toEqual([expect.objectContaining({ client_id: 'demo-web', isolated: false, sid: commonSid })]);
    expect(await sessionStore().participants(isolatedSid)).toEqual([expect.objectContaining({ client_id: 'isolated-web', isolated: true, sid: isolatedSid })]);
  });
});

describe('TOKEN-15: authorization_lifetime is counted from the original login', () => {
  it('TOKEN-15 a code issued from an SSO answer 45 minutes after the login gets a grant that ends 50 minutes after it', async () => {
    const browser = new Browser(provider.app);
    await flow.login(browser, 'demo-web');
    now += 25 * MINUTE;
    await flow.silent(browser, 'demo-web'); // keeps the session alive (SSO-02)
    now += 20 * MINUTE;
    const tokens = await flow.silent(browser, 'short-grant');
    // 5 minutes are left of the 50-minute grant, less than the 10-minute access token lifetime.
    expect(tokens.expires_in).toBe(5 * 60);
    const access = decodeJwt(tokens.access_token);
    expect(access.exp! - access.iat!).toBe(5 * 60);

    // The refresh token dies with the grant, 50 minutes after the login.
    now += 4 * MINUTE;
    const refreshed = await flow.tokenRequest('short-grant', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json<{ expires_in: number }>().expires_in).toBe(60);
    now += 2 * MINUTE;
    const late = await flow.tokenRequest('short-grant', { grant_type: 'refresh_token', refresh_token: refreshed.json<{ refresh_token: string }>().refresh_token });
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('TOKEN-15 an SSO answer whose grant would already be over asks for a fresh login instead', async () => {
    const browser = new Browser(provider.app);
    await flow.login(browser, 'demo-web');
    now += 25 * MINUTE;
    await flow.silent(browser, 'demo-web');
    now += 26 * MINUTE; // 51 minutes after the login, past short-grant's 50
    expect(await flow.promptNoneError(browser, 'short-grant')).toBe('login_required');
    await flow.expectLoginRequired(browser, 'short-grant');
    // Another client with the default 120-minute lifetime is still served from the session.
    expect((await flow.silent(browser, 'demo-web')).access_token).toBeTruthy();
  });
});
