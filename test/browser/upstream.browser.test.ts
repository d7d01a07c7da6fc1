// The upstream eID round trip between two instances in a real browser (AUTHN-01, docs/traps.md
// form-action): Chromium goes from the relying party's authorization request to this provider's
// selector, follows the upstream eID's link to the second instance's TestID page, logs in there,
// and must come back through this provider to the relying party's redirect_uri — every page under
// its real Content-Security-Policy. The upstream's login form may redirect only to its client
// (this provider); the provider's answer page moves on by a new navigation, so no hop is blocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { expectNoCspViolations, freePort, navigationTimeout, openSession, startChromiumHarness, testTimeout, waitUntilOn, type ChromiumHarness } from '../support/chromium.js';
import { HIGH, authorizationUrl, base64url43, clientRecord, orgno, pid, pkcePair, type TestClient } from '../support/vocabulary.js';

const upstreamSecret = 'upstream-client-secret-0123456789-abcdefgh';

describe('the upstream eID round trip in Chromium (AUTHN-01)', () => {
  let upstream: TestProvider | undefined;
  let harness: ChromiumHarness | undefined;
  let upstreamIssuer = '';

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    upstreamIssuer = `http://127.0.0.1:${portA}`;
    const issuer = `http://127.0.0.1:${portB}`;
    upstream = await startTestProvider({
      env: { OP_ISSUER: upstreamIssuer },
      clients: [{ client_id: 'downstream', client_secret: upstreamSecret, client_name: 'Downstream OP', client_orgno: orgno, integration_type: 'idporten', redirect_uris: [`${issuer}/upstream/callback`], post_logout_redirect_uris: [`${issuer}/`] }],
    });
    await upstream.app.listen({ port: portA, host: '127.0.0.1' });
    harness = await startChromiumHarness({
      opPort: portB,
      env: { OP_UPSTREAM_ISSUER: upstreamIssuer, OP_UPSTREAM_CLIENT_ID: 'downstream', OP_UPSTREAM_CLIENT_SECRET: upstreamSecret, OP_UPSTREAM_NAME: 'Upstream eID' },
      relyingParty: { paths: ['/cb'], headingId: 'rp-callback' },
      clients: (rpOrigin) => {
        const client: TestClient = { id: 'up-rp', redirectUri: `${rpOrigin}/cb`, postLogout: `${rpOrigin}/`, auth: { kind: 'basic', secret: 'up-rp-secret-0123456789-abcdefghijklmnop' } };
        return [{ ...clientRecord(client), client_name: 'Upstream RP' }];
      },
    });
  }, testTimeout);

  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  }, testTimeout);

  it(
    'AUTHN-01 selector → upstream TestID page → back through the provider → the relying party gets a code',
    async () => {
      const { rp, issuer } = harness!;
      const session = await openSession(harness?.browser);
      try {
        const url = authorizationUrl(`${issuer}/authorize`, { clientId: 'up-rp', redirectUri: `${rp.origin}/cb`, state: 'up-state', challenge: pkcePair().challenge }, { acr_values: HIGH }, '%20');
        await session.page.goto(url, { timeout: navigationTimeout });
        await session.page.waitForSelector('#eid-selector', { timeout: navigationTimeout });
        await session.page.click('#upstream-login-submit');
        await session.page.waitForURL((u) => u.origin === upstreamIssuer && u.pathname.startsWith('/login/'), { timeout: navigationTimeout });
        await session.page.fill('input[name=pid]', pid);
        const before = rp.seen.length;
        await session.page.click('#login-submit');
        await waitUntilOn(session, rp, (u) => u.pathname === '/cb', 'Chromium never came back to the relying party from the upstream eID');
        const hit = rp.seen.slice(before).find((r) => r.path === '/cb')!;
        expect(hit.query.get('code')).toMatch(base64url43);
        expect(hit.query.get('state')).toBe('up-state');
        expect(hit.query.get('error')).toBeNull();
        expectNoCspViolations(session.console);
      } finally {
        await session.close();
      }
    },
    testTimeout,
  );
});
