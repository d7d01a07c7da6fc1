// The TestID login page (AUTHN-01…08, AUTHZ-13, AUTHZ-26, AUTHZ-28, docs/traps.md form-action) and the SSO
// session (SSO-01…06, SSO-08, SSO-10, AUTHZ-14, OIDC max_age) through the real HTTP surface: a
// cookie-keeping browser over app.inject, real Redis under a per-test prefix, and an injected
// clock that is moved forward to test the session timers without sleeping. What a login produced
// is read from the id_token that /token returns for its code.
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../src/store/sessions.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { listKeys } from './support/redis.js';
import { ssoFlow } from './support/sso-flow.js';
import {
  HIGH,
  MINUTE,
  SUBSTANTIAL,
  byId,
  clientRecord,
  confidentialClient,
  csrfOf,
  demoClientRecords,
  demoTestClients,
  expectErrorPage,
  htmlLangOf,
  idTokenOf,
  isolatedWeb,
  isolatedWebRecord,
  issuer,
  offeredLevels,
  pid,
  setCookieOf,
  titleOf,
} from './support/vocabulary.js';

const escapedName = confidentialClient('escaped-name', 'https://rp.example.org', 'escaped-name-client-secret-0123456789-abcdef');
const registered = byId([...demoTestClients, escapedName, isolatedWeb]);
const escapedClientName = `Brønnøy & <Søn> "AS"`;

const clients: unknown[] = [
  ...demoClientRecords,
  { ...clientRecord(escapedName), client_name: escapedClientName },
  isolatedWebRecord,
];

let provider: TestProvider;
let now: number;

beforeEach(async () => {
  now = Math.floor(Date.now() / 1000) * 1000;
  provider = await startTestProvider({ clients, clock: () => now });
});
afterEach(async () => provider.close());

// ---------------------------------------------------------------------------------------------
// Helpers: every hop is visible; nothing is followed automatically (support/sso-flow.ts).

const {
  authorizeUrl,
  openLoginPage,
  postLogin: submitLogin,
  callbackParams,
  redeem,
  login,
  silent,
  expectLoginRequired,
} = ssoFlow({
  provider: () => provider,
  registered,
  // A fixed PKCE pair (RFC 7636 §4.1, §4.2): 51 unreserved characters, S256 challenge.
  verifier: 'login-and-sso-test-verifier-0123456789-abcdefghijk',
  // These tests are about the login page: check its id, status and csrf field on every visit.
  checkLoginPage: true,
  // What a login produced is read from the id_token that /token returns for its code.
  tokens: (body) => decodeJwt(idTokenOf(body)),
});

const stateOf = (url: string): string => new URLSearchParams(url.split('?')[1]).get('state')!;

const alertOf = (body: string): string | undefined => /role="alert">([^<]*)</.exec(body)?.[1];

/** Authorization codes currently stored under this provider's prefix. */
async function storedCodes(): Promise<number> {
  const keys = await listKeys(provider.prefix);
  return [...keys.keys()].filter((key) => /\{c:[^}]+\}$/.test(key)).length;
}

const sessionStore = () => new SessionStore(provider.context.store, provider.context.keys);

/** AUTHN-04: the two check digits for nine digits (independent of src), or undefined if either is 10. */
function withCheckDigits(first9: string): string | undefined {
  const d = [...first9].map(Number);
  const mod = (weights: number[], digits: number[]) => {
    const k = 11 - (weights.reduce((sum, w, i) => sum + w * digits[i]!, 0) % 11);
    return k === 11 ? 0 : k;
  };
  const k1 = mod([3, 7, 6, 1, 8, 9, 4, 5, 2], d);
  if (k1 === 10) return undefined;
  const k2 = mod([5, 4, 3, 2, 7, 6, 5, 4, 3, 2], [...d, k1]);
  if (k2 === 10) return undefined;
  return `${first9}${k1}${k2}`;
}

/** A number with correct check digits whose first nine digits start with `prefix6`. */
function checkDigitValid(prefix6: string, individualFrom: number): string {
  for (let individual = individualFrom; individual < individualFrom + 50; individual++) {
    const found = withCheckDigits(`${prefix6}${String(individual).padStart(3, '0')}`);
    if (found) return found;
  }
  throw new Error('no number found');
}

// ---------------------------------------------------------------------------------------------

describe('TestID login page', () => {
  it('AUTHN-03 offers ready synthetic persons (adult, under 18, pensioner, D-number) after the main buttons; a click logs that person in', async () => {
    const browser = new Browser(provider.app);
    const { page, loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web'));
    const persons = [...page.body.matchAll(/<button class="secondary person" type="submit" id="test-person-([a-z-]+)" name="person" value="(\d{11})" formnovalidate>([^<]*)</g)].map((m) => ({
      kind: m[1]!,
      pid: m[2]!,
      label: m[3]!.trim(),
    }));
    expect(persons.map((p) => p.kind)).toEqual(['adult', 'minor', 'senior', 'd-number']);
    expect(persons.find((p) => p.kind === 'minor')!.label).toMatch(/^Under 18, (1[0-7]|[1-9]) år$/);
    // Enter in the number field submits the form's first submit button: #login-submit, not a person.
    expect(page.body.indexOf('id="login-submit"')).toBeLessThan(page.body.indexOf('name="person"'));
    const dNumber = persons.find((p) => p.kind === 'd-number')!.pid;
    expect(Number(dNumber.slice(0, 1))).toBeGreaterThanOrEqual(4);
    const response = await browser.post(loginUrl, { csrf, person: dNumber, pid: '', acr: SUBSTANTIAL });
    const claims = await redeem('demo-web', callbackParams(response, 'demo-web').get('code'));
    expect(claims.pid).toBe(dNumber);
  });

  it('AUTHN-03 the login page carries every stable id and name of docs/interface.md and a hidden csrf field', async () => {
    const { page, loginUrl } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web'));
    const body = page.body;
    expect(body).toMatch(new RegExp(`<form id="login-form" method="post" action="${loginUrl}"`));
    expect(body).toMatch(/<input type="hidden" name="csrf" value="[A-Za-z0-9_-]{16,}">/);
    expect(body).toMatch(/<input type="text" id="pid" name="pid"/);
    expect(offeredLevels(body)).toEqual([SUBSTANTIAL, HIGH]);
    expect(body).toMatch(/<button [^>]*id="login-submit" name="action" value="login"/);
    expect(body).toMatch(/<button [^>]*id="login-cancel" name="action" value="cancel"/);
    // Every control sits inside the one form.
    const form = /<form id="login-form"[\s\S]*?<\/form>/.exec(body)?.[0] ?? '';
    for (const needle of ['name="csrf"', 'name="pid"', 'name="acr"', 'id="login-submit"', 'id="login-cancel"']) expect(form).toContain(needle);
  });

  it("AUTHZ-28 the login page shows the client's client_name, HTML-escaped", async () => {
    const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('escaped-name'));
    expect(page.body).toContain('<p id="login-client">Brønnøy &amp; &lt;Søn&gt; &quot;AS&quot; ber deg logge inn.</p>');
    expect(page.body).not.toContain('<Søn>');
  });

  it("AUTHZ-28 the login page is never framable: Content-Security-Policy frame-ancestors 'none'", async () => {
    const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web'));
    const directives = String(page.headers['content-security-policy']).split(';').map((d) => d.trim());
    expect(directives).toContain("frame-ancestors 'none'");
  });

  it("AUTHN-03 (docs/traps.md, form-action) CSP form-action allows 'self' and exactly the client's redirect origin", async () => {
    const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('escaped-name'));
    const directives = String(page.headers['content-security-policy']).split(';').map((d) => d.trim());
    const formAction = directives.find((d) => d.startsWith('form-action '))?.split(' ').slice(1);
    expect(formAction?.sort()).toEqual(["'self'", 'https://rp.example.org'].sort());

    const web = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web'));
    expect(String(web.page.headers['content-security-policy'])).toContain("form-action 'self' http://localhost:8080");
  });

  it('AUTHN-03 the login page is never cached (Cache-Control: no-store)', async () => {
    const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web'));
    expect(page.headers['cache-control']).toBe('no-store');
    expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
  });

  it('AUTHN-08 a valid synthetic number (21879498012) completes the login with amr TestID and the chosen level', async () => {
    const claims = await login(new Browser(provider.app), 'demo-web', {}, { pid, acr: HIGH });
    expect(claims.pid).toBe(pid);
    expect(claims.amr).toEqual(['TestID']);
    expect(claims.acr).toBe(HIGH);
    expect(claims.auth_time).toBe(Math.floor(now / 1000));
  });

  const badNumbers: { id: string; what: string; pid: string; ui_locales: string; message: string }[] = [
    { id: 'AUTHN-04 AUTHN-08', what: '17029012345 (bad check digits)', pid: '17029012345', ui_locales: 'en', message: 'The number has wrong check digits.' },
    { id: 'AUTHN-04', what: 'a 10-digit value', pid: '2187949801', ui_locales: 'nb', message: 'Skriv inn 11 siffer.' },
    {
      id: 'AUTHN-05 AUTHN-08',
      what: '31129956715 (valid, but not synthetic)',
      pid: '31129956715',
      ui_locales: 'nn',
      message: 'Bruk eit syntetisk testnummer (månad + 80).',
    },
    {
      id: 'AUTHN-05',
      what: 'a synthetic 31 February (no real date)',
      pid: checkDigitValid('318294', 100),
      ui_locales: 'en',
      message: 'The number does not contain a valid date.',
    },
    {
      id: 'AUTHN-06',
      what: 'individual number 800 with YY 45 (no century)',
      pid: checkDigitValid('018145', 800),
      ui_locales: 'en',
      message: 'The number does not contain a valid date.',
    },
  ];
  for (const bad of badNumbers) {
    it(`${bad.id} ${bad.what} re-renders the page (422, alert in ${bad.ui_locales}, same csrf, no code); a valid number then completes`, async () => {
      const browser = new Browser(provider.app);
      const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web', { ui_locales: bad.ui_locales }));
      const rejected = await submitLogin(browser, loginUrl, csrf, { pid: bad.pid });
      expect(rejected.statusCode).toBe(422);
      expect(rejected.headers.location).toBeUndefined();
      expect(htmlLangOf(rejected.body)).toBe(bad.ui_locales);
      expect(alertOf(rejected.body)).toBe(bad.message);
      expect(rejected.body).toContain('id="login-form"');
      expect(csrfOf(rejected.body)).toBe(csrf);
      expect(rejected.body).toContain(`name="pid" inputmode="numeric" pattern="[0-9]{11}" maxlength="11" value="${bad.pid}"`);
      expect(setCookieOf(rejected, 'op_sso')).toBeUndefined();
      expect(await storedCodes()).toBe(0);

      const accepted = await submitLogin(browser, loginUrl, csrf, { pid });
      const claims = await redeem('demo-web', callbackParams(accepted, 'demo-web').get('code'));
      expect(claims.pid).toBe(pid);
    });
  }

  it('AUTHN-01 with acr_values=idporten-loa-high only the high level is offered', async () => {
    const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web', { acr_values: HIGH }));
    expect(offeredLevels(page.body)).toEqual([HIGH]);
  });

  it('AUTHN-01 with acr_values=idporten-loa-high a posted substantial level is refused (422, no code)', async () => {
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web', { acr_values: HIGH }));
    const refused = await submitLogin(browser, loginUrl, csrf, { acr: SUBSTANTIAL });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers.location).toBeUndefined();
    expect(alertOf(refused.body)).toBe('Velg et sikkerhetsnivå som tjenesten godtar.');
    expect(offeredLevels(refused.body)).toEqual([HIGH]);
    expect(await storedCodes()).toBe(0);
  });

  it('AUTHN-01 without acr_values both substantial and high are offered, substantial preselected', async () => {
    const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web'));
    expect(offeredLevels(page.body)).toEqual([SUBSTANTIAL, HIGH]);
    expect(page.body).toContain(`value="${SUBSTANTIAL}" checked>`);
  });

  it('AUTHZ-26 cancel redirects with error=access_denied, state and iss, and the interaction is used up', async () => {
    const browser = new Browser(provider.app);
    const url = authorizeUrl('demo-web');
    const { loginUrl, csrf } = await openLoginPage(browser, url);
    const interactionCookie = browser.cookies.get('op_ix')!.value;
    const cancelled = await browser.post(loginUrl, { csrf, action: 'cancel' });
    const query = callbackParams(cancelled, 'demo-web');
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(stateOf(url));
    expect(query.get('iss')).toBe(issuer);
    expect(query.get('code')).toBeNull();

    // The browser dropped the interaction cookie; the page is gone for it.
    expect(browser.cookies.has('op_ix')).toBe(false);
    expectErrorPage(await browser.get(loginUrl), 'invalid_request');
    // Even with the old cookie kept, the interaction cannot log in any more.
    const replay = await provider.app.inject({
      method: 'POST',
      url: loginUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `op_ix=${interactionCookie}` },
      payload: new URLSearchParams({ csrf, action: 'login', pid, acr: SUBSTANTIAL }).toString(),
    });
    expectErrorPage(replay, 'invalid_request');
    expect(await storedCodes()).toBe(0);
  });
});

describe('login form binding (CSRF, browser, single use, lifetime)', () => {
  it('AUTHN-03 a POST with a wrong csrf value gets the error page and no code', async () => {
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web'));
    const forged = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
    expectErrorPage(await submitLogin(browser, loginUrl, forged), 'invalid_request');
    expect(await storedCodes()).toBe(0);
  });

  it('AUTHN-03 a POST from a different browser (no interaction cookie) gets the error page saying the cookie is missing, and no code', async () => {
    const { loginUrl, csrf } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web'));
    const otherBrowser = new Browser(provider.app);
    const response = await submitLogin(otherBrowser, loginUrl, csrf);
    expectErrorPage(response, 'invalid_request');
    // Said as it is: the cookie is missing, not that the login expired.
    expect(response.body).toContain('The login cookie is missing');
    expect(response.body).not.toContain('expired');
    expect(await storedCodes()).toBe(0);
  });

  it('AUTHN-03 a replay of a successful login POST (same cookie, same form) gets the error page and no second code', async () => {
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web'));
    const interactionCookie = browser.cookies.get('op_ix')!.value;
    const form = new URLSearchParams({ csrf, action: 'login', pid, acr: SUBSTANTIAL }).toString();
    const send = () =>
      provider.app.inject({ method: 'POST', url: loginUrl, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `op_ix=${interactionCookie}` }, payload: form });
    const first = await send();
    expect(callbackParams(first, 'demo-web').get('code')).toBeTruthy();
    expect(await storedCodes()).toBe(1);
    const replay = await send();
    expectErrorPage(replay, 'invalid_request');
    expect(setCookieOf(replay, 'op_sso')).toBeUndefined();
    expect(await storedCodes()).toBe(1);
  });

  it('SSO-04 a replayed login POST does not end the session that the first POST created', async () => {
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web'));
    const interactionCookie = browser.cookies.get('op_ix')!.value;
    const first = await submitLogin(browser, loginUrl, csrf);
    const claims = await redeem('demo-web', callbackParams(first, 'demo-web').get('code'));
    const sessionCookie = browser.cookies.get('op_sso')!.value;
    const replay = await provider.app.inject({
      method: 'POST',
      url: loginUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `op_ix=${interactionCookie}; op_sso=${sessionCookie}` },
      payload: new URLSearchParams({ csrf, action: 'login', pid, acr: SUBSTANTIAL }).toString(),
    });
    expectErrorPage(replay, 'invalid_request');
    // The losing replay must leave no trace: the session stays and its participants are real.
    expect((await sessionStore().find(sessionCookie))?.common?.sid).toBe(claims.sid);
    expect(await sessionStore().participants(String(claims.sid))).toHaveLength(1);
    const again = await silent(browser, 'demo-spa');
    expect(again.auth_time).toBe(claims.auth_time);
  });

  it('AUTHN-03 an interaction older than its 15 minutes gets the error page (GET and POST), no code', async () => {
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web'));
    now += 16 * MINUTE;
    expectErrorPage(await browser.get(loginUrl), 'invalid_request');
    expectErrorPage(await submitLogin(browser, loginUrl, csrf), 'invalid_request');
    expect(await storedCodes()).toBe(0);
  });

  it('ERR-01 GET /login/<random id> without an interaction cookie is the error page', async () => {
    const response = await new Browser(provider.app).get(`/login/${randomBytes(16).toString('base64url')}`);
    expectErrorPage(response, 'invalid_request');
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

describe('language (AUTHZ-13)', () => {
  it('AUTHZ-13 ui_locales=en renders the login page in English', async () => {
    const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web', { ui_locales: 'en' }));
    expect(htmlLangOf(page.body)).toBe('en');
    expect(titleOf(page.body)).toBe('Log in with TestID');
    expect(page.body).toContain('<legend>Level of assurance</legend>');
  });

  const languages = [
    { locale: 'nb', title: 'Logg inn med TestID', legend: 'Sikkerhetsnivå' },
    { locale: 'nn', title: 'Logg inn med TestID', legend: 'Tryggleiksnivå' },
    { locale: 'en', title: 'Log in with TestID', legend: 'Level of assurance' },
    { locale: 'se', title: 'Čálit sisa TestID:in', legend: 'Sihkkarvuođadássi' },
  ];
  for (const language of languages) {
    it(`AUTHZ-13 ui_locales=${language.locale} renders the page with its own texts and html lang`, async () => {
      const { page } = await openLoginPage(new Browser(provider.app), authorizeUrl('demo-web', { ui_locales: language.locale }));
      expect(htmlLangOf(page.body)).toBe(language.locale);
      expect(titleOf(page.body)).toBe(language.title);
      expect(page.body).toContain(`<h1 id="login-title">${language.title}</h1>`);
      expect(page.body).toContain(`<legend>${language.legend}</legend>`);
    });
  }

  it('AUTHZ-13 without ui_locales the page is Bokmål and the id_token locale is nb (IDT-09)', async () => {
    const browser = new Browser(provider.app);
    const { page, loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web'));
    expect(htmlLangOf(page.body)).toBe('nb');
    const claims = await redeem('demo-web', callbackParams(await submitLogin(browser, loginUrl, csrf), 'demo-web').get('code'));
    expect(claims.locale).toBe('nb');
  });

  it('AUTHZ-13 IDT-09 the id_token locale is the first supported ui_locales entry', async () => {
    const claims = await login(new Browser(provider.app), 'demo-web', { ui_locales: 'de nn en' });
    expect(claims.locale).toBe('nn');
  });

  it('AUTHZ-13 the language switcher (?lang=se) renders Sami and sets IDPORTEN_SELECTED_LANGUAGE', async () => {
    const browser = new Browser(provider.app);
    const { page, loginUrl } = await openLoginPage(browser, authorizeUrl('demo-web', { ui_locales: 'en' }));
    expect(page.body).toContain(`href="${loginUrl}?lang=se"`);
    const sami = await browser.get(`${loginUrl}?lang=se`);
    expect(sami.statusCode).toBe(200);
    expect(htmlLangOf(sami.body)).toBe('se');
    expect(titleOf(sami.body)).toBe('Čálit sisa TestID:in');
    const cookie = setCookieOf(sami, 'IDPORTEN_SELECTED_LANGUAGE');
    expect(cookie).toMatch(/^IDPORTEN_SELECTED_LANGUAGE=se;/);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
  });

  it('AUTHZ-13 IDT-09 the switched language is the id_token locale and wins over ui_locales in a later flow', async () => {
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web', { ui_locales: 'en' }));
    await browser.get(`${loginUrl}?lang=se`);
    const first = await redeem('demo-web', callbackParams(await submitLogin(browser, loginUrl, csrf), 'demo-web').get('code'));
    expect(first.locale).toBe('se');

    const later = await openLoginPage(browser, authorizeUrl('demo-spa', { ui_locales: 'en', prompt: 'login' }));
    expect(htmlLangOf(later.page.body)).toBe('se');
    const second = await redeem('demo-spa', callbackParams(await submitLogin(browser, later.loginUrl, later.csrf), 'demo-spa').get('code'));
    expect(second.locale).toBe('se');
    // Answered from the session, the cookie still decides the locale claim.
    expect((await silent(browser, 'demo-web', { ui_locales: 'nn' })).locale).toBe('se');
  });
});

describe('SSO session cookie (SSO-01)', () => {
  it('SSO-01 over http the session cookie op_sso is HttpOnly, SameSite=Lax, Path=/, not Secure', async () => {
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web'));
    const response = await submitLogin(browser, loginUrl, csrf);
    const cookie = setCookieOf(response, 'op_sso');
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    // SSO-02: the cookie never outlives the idle window.
    expect(Number(/Max-Age=(\d+)/i.exec(cookie!)?.[1])).toBe(30 * 60);
  });

  it('SSO-01 with an https issuer the session cookie is HttpOnly, Secure, SameSite=None', async () => {
    const secure = await startTestProvider({ clients, clock: () => now, env: { OP_ISSUER: 'https://login.example.no' } });
    try {
      const browser = new Browser(secure.app);
      const start = await browser.get(authorizeUrl('demo-web'));
      expect(start.statusCode).toBe(303);
      const loginUrl = String(start.headers.location);
      const page = await browser.get(loginUrl);
      const response = await browser.post(loginUrl, { csrf: csrfOf(page.body), action: 'login', pid, acr: SUBSTANTIAL });
      expect(response.statusCode).toBe(303);
      expect(new URL(String(response.headers.location)).searchParams.get('iss')).toBe('https://login.example.no');
      const cookie = setCookieOf(response, 'op_sso');
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*SameSite=None/i);
    } finally {
      await secure.close();
    }
  });

  it('SSO-01 every login issues a new session cookie value and the old value stops working (no fixation)', async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'demo-web');
    const firstCookie = browser.cookies.get('op_sso')!.value;
    now += MINUTE;
    const second = await login(browser, 'demo-web', { prompt: 'login' });
    const secondCookie = browser.cookies.get('op_sso')!.value;
    expect(secondCookie).not.toBe(firstCookie);
    expect(await sessionStore().find(firstCookie)).toBeNull();
    // SSO-05: the session itself continues under the new cookie.
    expect(second.sid).toBe(first.sid);
  });
});

describe('SSO session reuse (SSO-04, AUTHZ-14)', () => {
  it('SSO-04 a second client in the same browser gets a code without the login page, same auth_time, its own sub', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web');
    now += 5 * MINUTE;
    const response = await browser.get(authorizeUrl('demo-spa'));
    const query = callbackParams(response, 'demo-spa');
    expect(query.get('iss')).toBe(issuer);
    const spa = await redeem('demo-spa', query.get('code'));
    expect(spa.auth_time).toBe(web.auth_time);
    expect(spa.acr).toBe(web.acr);
    expect(spa.pid).toBe(web.pid);
    expect(spa.sub).not.toBe(web.sub);
  });

  it('SSO-04 another browser without the session cookie gets the login page', async () => {
    await login(new Browser(provider.app), 'demo-web');
    await expectLoginRequired(new Browser(provider.app), 'demo-spa');
  });

  it('AUTHZ-14 SSO-05 prompt=login shows the login page despite a live session, and the session continues', async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'demo-web');
    now += 2 * MINUTE;
    await expectLoginRequired(browser, 'demo-web', { prompt: 'login' });
    const second = await login(browser, 'demo-web', { prompt: 'login' });
    expect(second.sid).toBe(first.sid);
    expect(second.auth_time).toBe(Number(first.auth_time) + 120);
  });

  it('AUTHZ-14 prompt=none with a live session returns a code without UI', async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'demo-web');
    const claims = await silent(browser, 'demo-spa', { prompt: 'none' });
    expect(claims.auth_time).toBe(first.auth_time);
  });

  it('AUTHZ-14 prompt=none without a session redirects login_required with state and iss', async () => {
    const url = authorizeUrl('demo-web', { prompt: 'none' });
    const query = callbackParams(await new Browser(provider.app).get(url), 'demo-web');
    expect(query.get('error')).toBe('login_required');
    expect(query.get('state')).toBe(stateOf(url));
    expect(query.get('iss')).toBe(issuer);
    expect(query.get('code')).toBeNull();
  });

  it('AUTHZ-14 prompt=none with a session below the requested level redirects interaction_required', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web', {}, { acr: SUBSTANTIAL });
    const query = callbackParams(await browser.get(authorizeUrl('demo-web', { prompt: 'none', acr_values: HIGH })), 'demo-web');
    expect(query.get('error')).toBe('interaction_required');
    expect(query.get('code')).toBeNull();
  });

  it('SSO-04 (Core §3.1.2.1 max_age) a session older than max_age gets the login page', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    now += 10 * MINUTE;
    // Still within max_age: answered from the session.
    await silent(browser, 'demo-spa', { max_age: '900' });
    await expectLoginRequired(browser, 'demo-spa', { max_age: '300' });
  });

  it('AUTHZ-14 (Core §3.1.2.1 max_age) prompt=none with a session older than max_age redirects login_required', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    now += 10 * MINUTE;
    const query = callbackParams(await browser.get(authorizeUrl('demo-spa', { prompt: 'none', max_age: '300' })), 'demo-spa');
    expect(query.get('error')).toBe('login_required');
  });
});

describe('step-up (SSO-06)', () => {
  it('SSO-06 a substantial session asked for high shows the login page offering only high, and the id_token then says high', async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'demo-web', {}, { acr: SUBSTANTIAL });
    expect(first.acr).toBe(SUBSTANTIAL);
    now += 5 * MINUTE;
    const { page, loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('demo-web', { acr_values: HIGH }));
    expect(offeredLevels(page.body)).toEqual([HIGH]);
    const stepped = await redeem('demo-web', callbackParams(await submitLogin(browser, loginUrl, csrf, { acr: HIGH }), 'demo-web').get('code'));
    expect(stepped.acr).toBe(HIGH);
    expect(stepped.auth_time).toBe(Number(first.auth_time) + 300);
    expect(stepped.sid).toBe(first.sid);
  });

  it('SSO-06 after a step-up a request without acr_values is answered from the session with acr high', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web', {}, { acr: SUBSTANTIAL });
    const stepped = await login(browser, 'demo-web', { acr_values: HIGH }, { acr: HIGH });
    now += MINUTE;
    const later = await silent(browser, 'demo-spa');
    expect(later.acr).toBe(HIGH);
    expect(later.auth_time).toBe(stepped.auth_time);
  });

  it('SSO-06 a new login at substantial (prompt=login) never lowers the session acr from high', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web', { acr_values: HIGH }, { acr: HIGH });
    now += MINUTE;
    const relogin = await login(browser, 'demo-web', { prompt: 'login' }, { acr: SUBSTANTIAL });
    expect(relogin.acr).toBe(HIGH);
    const later = await silent(browser, 'demo-spa', { acr_values: HIGH });
    expect(later.acr).toBe(HIGH);
  });
});

describe('session timers (SSO-02, SSO-03)', () => {
  it('SSO-02 after 31 minutes without an authorization request the session is gone: login page', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    now += 31 * MINUTE;
    await expectLoginRequired(browser, 'demo-web');
  });

  it('SSO-02 each authorization request restarts the idle clock (+20 min, request, +20 min still silent)', async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'demo-web');
    now += 20 * MINUTE;
    await silent(browser, 'demo-spa');
    now += 20 * MINUTE;
    const later = await silent(browser, 'demo-web');
    expect(later.auth_time).toBe(first.auth_time);
  });

  it('SSO-02 the session ends 120 minutes after login even with activity every 20 minutes', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    for (let minute = 20; minute <= 100; minute += 20) {
      now += 20 * MINUTE;
      await silent(browser, 'demo-web');
    }
    now += 19 * MINUTE; // 119 minutes after login: still live
    await silent(browser, 'demo-web');
    now += 2 * MINUTE; // 121 minutes, only 2 idle: the absolute limit
    await expectLoginRequired(browser, 'demo-web');
  });

  it('SSO-03 an expired session is silent: the user just logs in again, no error to the client or the user', async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'demo-web');
    const oldCookie = browser.cookies.get('op_sso')!.value;
    now += 31 * MINUTE;
    const start = await browser.get(authorizeUrl('demo-web'));
    expect(start.statusCode).toBe(303);
    const location = String(start.headers.location);
    expect(location).toMatch(/^\/login\//);
    expect(location).not.toContain('error');
    const page = await browser.get(location);
    expect(page.statusCode).toBe(200);
    expect(alertOf(page.body)).toBeUndefined();
    expect(page.body).not.toContain('op-error');
    const again = await redeem('demo-web', callbackParams(await submitLogin(browser, location, csrfOf(page.body)), 'demo-web').get('code'));
    expect(again.sid).not.toBe(first.sid);
    expect(browser.cookies.get('op_sso')!.value).not.toBe(oldCookie);
  });
});

describe('participants and isolated clients (SSO-08, SSO-10)', () => {
  it('SSO-10 the session records every client it served', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web');
    expect(typeof web.sid).toBe('string');
    await silent(browser, 'demo-spa');
    const participants = await sessionStore().participants(String(web.sid));
    expect(participants.map((p) => p.client_id).sort()).toEqual(['demo-spa', 'demo-web']);
    expect(new Set(participants.map((p) => p.grant_id)).size).toBe(2);
  });

  it('SSO-08 an sso_disabled client gets the login page even with a live session', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    await expectLoginRequired(browser, 'isolated-web');
  });

  it('SSO-08 AUTHZ-14 prompt=none for an sso_disabled client with a live session redirects login_required', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    const query = callbackParams(await browser.get(authorizeUrl('isolated-web', { prompt: 'none' })), 'isolated-web');
    expect(query.get('error')).toBe('login_required');
    expect(query.get('code')).toBeNull();
  });

  it('SSO-08 SSO-09 a login to an sso_disabled client leaves the common login untouched, in the same cookie', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web', {}, { acr: SUBSTANTIAL });
    const commonCookie = browser.cookies.get('op_sso')!.value;
    now += MINUTE;
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl('isolated-web'));
    const response = await submitLogin(browser, loginUrl, csrf, { acr: HIGH });
    const isolated = await redeem('isolated-web', callbackParams(response, 'isolated-web').get('code'));
    expect(isolated.acr).toBe(HIGH);
    // SSO-09: one browser session, one cookie (rotated at every login, SSO-01), shared timers.
    expect(setCookieOf(response, 'op_sso')).toBeDefined();
    expect(browser.cookies.get('op_sso')!.value).not.toBe(commonCookie);
    expect(isolated.sid).not.toBe(web.sid);
    const spa = await silent(browser, 'demo-spa');
    expect(spa.acr).toBe(SUBSTANTIAL);
    expect(spa.auth_time).toBe(web.auth_time);
    expect((await sessionStore().participants(String(web.sid))).map((p) => p.client_id).sort()).toEqual(['demo-spa', 'demo-web']);
  });

  it('SSO-08 a later request from the same sso_disabled client reuses its own isolated login', async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'isolated-web', {}, { acr: HIGH });
    now += 5 * MINUTE;
    const again = await silent(browser, 'isolated-web');
    expect(again.auth_time).toBe(first.auth_time);
    expect(again.acr).toBe(HIGH);
    // ...and the common session never uses it: an SSO client still has to log in.
    await expectLoginRequired(browser, 'demo-web');
  });

  it('SSO-09 the isolated login expires with the shared idle timer', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'isolated-web');
    now += 31 * MINUTE;
    await expectLoginRequired(browser, 'isolated-web');
  });
});
