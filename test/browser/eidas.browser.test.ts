// The eID selector and the eIDAS test login in a real browser (AUTHN-01, IDT-11, docs/traps.md
// form-action): Chromium opens /authorize asking for eIDAS beside the national levels, sees the
// selector with both forms, fills in the contract's eIDAS form (docs/interface.md) and must land on
// the client's redirect_uri under the page's real Content-Security-Policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoCspViolations, navigationTimeout, openSession, startChromiumHarness, testTimeout, waitUntilOn, type ChromiumHarness } from '../support/chromium.js';
import { authorizationUrl, base64url43, clientRecord, pkcePair, type TestClient } from '../support/vocabulary.js';

describe('the eID selector and the eIDAS form in Chromium (AUTHN-01, IDT-11)', () => {
  let harness: ChromiumHarness | undefined;

  beforeAll(async () => {
    harness = await startChromiumHarness({
      relyingParty: { paths: ['/cb'], headingId: 'rp-callback' },
      clients: (rpOrigin) => {
        const client: TestClient = { id: 'eidas-rp', redirectUri: `${rpOrigin}/cb`, postLogout: `${rpOrigin}/`, auth: { kind: 'basic', secret: 'eidas-rp-secret-0123456789-abcdefghijkl' } };
        return [{ ...clientRecord(client), client_name: 'eIDAS RP' }];
      },
    });
  }, testTimeout);

  afterAll(() => harness?.close(), testTimeout);

  const authorizeUrl = (acrValues: string) =>
    authorizationUrl(`${harness!.issuer}/authorize`, { clientId: 'eidas-rp', redirectUri: `${harness!.rp.origin}/cb`, state: 'eidas-state', challenge: pkcePair().challenge }, { acr_values: acrValues }, '%20');

  it(
    'AUTHN-01 IDT-11 the selector shows TestID and eIDAS; the eIDAS form logs in and lands on the redirect_uri with a code',
    async () => {
      const { rp } = harness!;
      const session = await openSession(harness?.browser);
      try {
        await session.page.goto(authorizeUrl('idporten-loa-substantial eidas-loa-substantial'), { timeout: navigationTimeout });
        await session.page.waitForSelector('#eid-selector', { timeout: navigationTimeout });
        expect(await session.page.locator('#eid-selector li').count()).toBe(2);
        expect(await session.page.locator('form#login-form').count()).toBe(1);
        await session.page.fill('#eidas-login-form input[name=eidas_identifier]', 'SE/NO/199001011234');
        await session.page.fill('#eidas-login-form input[name=eidas_firstname]', 'Åsa');
        await session.page.fill('#eidas-login-form input[name=eidas_lastname]', 'Lindström');
        await session.page.fill('#eidas-login-form input[name=eidas_date_of_birth]', '1990-01-01');
        const before = rp.seen.length;
        await session.page.click('#eidas-login-submit');
        await waitUntilOn(session, rp, (u) => u.pathname === '/cb', 'Chromium never reached the callback after the eIDAS login');
        const hit = rp.seen.slice(before).find((r) => r.path === '/cb')!;
        expect(hit.query.get('code')).toMatch(base64url43);
        expect(hit.query.get('state')).toBe('eidas-state');
        expectNoCspViolations(session.console);
      } finally {
        await session.close();
      }
    },
    testTimeout,
  );

  it(
    'AUTHZ-11 with only eidas values Chromium sees the eIDAS form alone, and a refused date shows the problem on the page',
    async () => {
      const session = await openSession(harness?.browser);
      try {
        await session.page.goto(authorizeUrl('eidas-loa-high'), { timeout: navigationTimeout });
        await session.page.waitForSelector('form#eidas-login-form', { timeout: navigationTimeout });
        expect(await session.page.locator('form#login-form').count()).toBe(0);
        expect(await session.page.locator('#eid-selector').count()).toBe(0);
        await session.page.fill('input[name=eidas_identifier]', 'DE/NO/123456');
        await session.page.fill('input[name=eidas_firstname]', 'Max');
        await session.page.fill('input[name=eidas_lastname]', 'Mustermann');
        await session.page.fill('input[name=eidas_date_of_birth]', '1990-13-01');
        await session.page.click('#eidas-login-submit');
        await session.page.waitForSelector('#eidas-login-problem', { timeout: navigationTimeout });
        expect(await session.page.inputValue('input[name=eidas_lastname]')).toBe('Mustermann');
        expectNoCspViolations(session.console);
      } finally {
        await session.close();
      }
    },
    testTimeout,
  );
});
