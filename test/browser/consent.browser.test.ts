// The consent page in a real browser under the real CSP (AUTHZ-27, AUTHZ-26; docs/traps.md,
// form-action): Chromium logs in, lands on the consent page, and its answer must reach the
// client's redirect_uri. Chrome applies form-action to the redirects after a form POST, so a
// consent page that allowed only 'self' would hang on the last hop; only Chromium shows that.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectLoginPage,
  expectNoCspViolations,
  navigationTimeout,
  openSession,
  startChromiumHarness,
  testTimeout,
  waitUntilOn,
  type ChromiumHarness,
  type RelyingParty,
} from '../support/chromium.js';
import { authorizationUrl, consentScopeRecord, pkcePair } from '../support/vocabulary.js';

describe('the consent page in Chromium (AUTHZ-27, docs/traps.md form-action)', () => {
  let harness: ChromiumHarness | undefined;
  let rp: RelyingParty | undefined;
  let issuer = '';
  let callback = '';

  beforeAll(async () => {
    harness = await startChromiumHarness({
      relyingParty: { paths: ['/cb', '/'], headingId: 'rp-callback' },
      scopes: [consentScopeRecord],
      clients: (rpOrigin) => [
        {
          client_id: 'consent-rp',
          client_secret: 'consent-rp-secret-0123456789-abcdefghij',
          client_name: 'Consent RP',
          client_orgno: '991825827',
          integration_type: 'api_klient',
          scopes: ['openid', 'profile', 'bank:accounts'],
          redirect_uris: [`${rpOrigin}/cb`],
          post_logout_redirect_uris: [`${rpOrigin}/`],
        },
      ],
    });
    ({ rp, issuer } = harness);
    callback = `${rp.origin}/cb`;
  }, testTimeout);

  afterAll(() => harness?.close(), testTimeout);

  const authorizeUrl = (scope: string): string =>
    authorizationUrl(`${issuer}/authorize`, { clientId: 'consent-rp', redirectUri: callback, state: 'cst', challenge: pkcePair().challenge }, { scope }, '%20');

  it(
    'AUTHZ-27 a user logs in, accepts on the consent page and lands on the redirect_uri with a code; then SSO goes to the client without any page',
    async () => {
      const session = await openSession(harness?.browser);
      const { page, console } = session;
      try {
        await expectLoginPage(page, authorizeUrl('openid profile bank:accounts'));
        await page.fill('input[name=pid]', '21879498012');
        await page.click('#login-submit');
        await page.waitForSelector('#consent-form', { timeout: navigationTimeout });
        expect(await page.textContent('#consent-scopes')).toContain('See your account balances');
        const before = rp!.seen.length;
        await page.click('#consent-accept');
        await waitUntilOn(session, rp!, (url) => url.href.startsWith(callback), 'Chromium never reached the client after accepting');
        const hit = rp!.seen.slice(before).find((r) => r.path === '/cb')!;
        expect(hit.query.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(hit.query.get('state')).toBe('cst');
        // SSO-04: remembered; the next request goes straight back.
        const again = rp!.seen.length;
        await page.goto(authorizeUrl('openid profile bank:accounts'), { timeout: navigationTimeout });
        await waitUntilOn(session, rp!, (url) => url.href.startsWith(callback), 'the remembered consent did not answer at once');
        expect(rp!.seen.slice(again).find((r) => r.path === '/cb')!.query.get('code')).toBeTruthy();
        expectNoCspViolations(console);
      } finally {
        await session.close();
      }
    },
    testTimeout,
  );

  it(
    'AUTHZ-26 declining on the consent page lands on the redirect_uri with error=access_denied',
    async () => {
      const session = await openSession(harness?.browser);
      const { page, console } = session;
      try {
        await expectLoginPage(page, authorizeUrl('openid profile bank:accounts'));
        // Another person than the first test's, whose consent is remembered.
        await page.fill('input[name=pid]', '17829012340');
        await page.click('#login-submit');
        await page.waitForSelector('#consent-form', { timeout: navigationTimeout });
        const before = rp!.seen.length;
        await page.click('#consent-decline');
        await waitUntilOn(session, rp!, (url) => url.href.startsWith(callback), 'Chromium never reached the client after declining');
        const hit = rp!.seen.slice(before).find((r) => r.path === '/cb')!;
        expect(hit.query.get('error')).toBe('access_denied');
        expect(hit.query.get('code')).toBeNull();
        expectNoCspViolations(console);
      } finally {
        await session.close();
      }
    },
    testTimeout,
  );
});
