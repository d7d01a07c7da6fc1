// A JARM form_post.jwt response in a real browser (AUTHZ-17, docs/traps.md form-action): Chromium
// logs in and the response page's hashed auto-submit script must POST the one signed `response`
// field to the client's redirect_uri under the page's real Content-Security-Policy.
import { createLocalJWKSet, jwtVerify } from 'jose';
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
} from '../support/chromium.js';
import { authorizationUrl, base64url43, clientRecord, pid, pkcePair, type TestClient } from '../support/vocabulary.js';

describe('JARM form_post.jwt in Chromium (AUTHZ-17)', () => {
  let harness: ChromiumHarness | undefined;

  beforeAll(async () => {
    harness = await startChromiumHarness({
      relyingParty: { paths: ['/cb'], headingId: 'rp-callback' },
      clients: (rpOrigin) => {
        const client: TestClient = { id: 'jarm-rp', redirectUri: `${rpOrigin}/cb`, postLogout: `${rpOrigin}/`, auth: { kind: 'basic', secret: 'jarm-rp-secret-0123456789-abcdefghijkl' } };
        return [{ ...clientRecord(client), client_name: 'JARM RP' }];
      },
    });
  }, testTimeout);

  afterAll(() => harness?.close(), testTimeout);

  it(
    'AUTHZ-17 the form_post.jwt page auto-submits one signed response (code, state, iss, aud) under the hashed CSP',
    async () => {
      const { rp, issuer } = harness!;
      const callback = `${rp.origin}/cb`;
      const session = await openSession(harness?.browser);
      try {
        const url = authorizationUrl(`${issuer}/authorize`, { clientId: 'jarm-rp', redirectUri: callback, state: 'jarm-state', challenge: pkcePair().challenge }, { response_mode: 'form_post.jwt' }, '%20');
        await expectLoginPage(session.page, url);
        await session.page.fill('input[name=pid]', pid);
        const before = rp.seen.length;
        await session.page.click('#login-submit');
        await waitUntilOn(session, rp, (u) => u.href.startsWith(callback), `Chromium never reached ${callback}`);
        await session.page.waitForSelector('#rp-callback', { timeout: navigationTimeout });
        const hits = rp.seen.slice(before).filter((r) => r.path === '/cb');
        expect(hits.map((r) => r.method)).toEqual(['POST']);
        const form = hits[0]!.form;
        expect([...form.keys()]).toEqual(['response']);
        const jwks = createLocalJWKSet((await (await fetch(`${issuer}/jwks.json`)).json()) as Parameters<typeof createLocalJWKSet>[0]);
        const { payload } = await jwtVerify(form.get('response')!, jwks, { issuer, audience: 'jarm-rp' });
        expect(payload).toMatchObject({ state: 'jarm-state', code: expect.stringMatching(base64url43) });
        expectNoCspViolations(session.console);
      } finally {
        await session.close();
      }
    },
    testTimeout,
  );
});
