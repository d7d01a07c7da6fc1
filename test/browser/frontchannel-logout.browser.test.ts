// Front-channel logout in a real browser (LOGOUT-04, LOGOUT-08, LOGOUT-12; docs/traps.md,
// browser-tests): Chromium logs in to two clients of one tiny relying party (the second by SSO), then
// RP-initiated logout renders the front-channel page. Only a real browser proves that the page's
// CSP lets it frame the RPs' logout URIs (frame-src, LOGOUT-12), that its hashed script counts the
// iframes' load events and then follows data-post-logout-redirect, and that a relying party that
// never answers cannot hold the user for longer than the bounded wait (5 s, LOGOUT-08).
// Provider and relying party both listen on 127.0.0.1; state lives in real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectLoginPage,
  expectNoCspViolations,
  navigationTimeout,
  openSession as openChromiumSession,
  startChromiumHarness,
  testTimeout,
  waitUntilOn,
  type ChromiumHarness,
  type ChromiumSession as Session,
  type RelyingParty,
} from '../support/chromium.js';
import { authorizationUrl, base64url43, basic, clientRecord, pid, pkcePair as pkce, secretOf, type TestClient } from '../support/vocabulary.js';

const slowRpTimeout = 20_000;
/** LOGOUT-08: the page's bounded wait (views/logout-pages.ts frontchannelWaitMs), minus slack. */
const boundedWaitFloorMs = 4_500;

const jwtPayload = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('front-channel logout in Chromium (LOGOUT-04 LOGOUT-08 LOGOUT-12)', () => {
  let harness: ChromiumHarness | undefined;
  let rp: RelyingParty | undefined;
  let issuer = '';
  let rpOrigin = '';

  /** rp-a or rp-b, the two clients of the relying party at `origin`. */
  const rpClient = (origin: string, which: 'a' | 'b'): TestClient => ({
    id: `rp-${which}`,
    redirectUri: `${origin}/${which}/cb`,
    postLogout: `${origin}/${which}/bye`,
    auth: { kind: 'basic', secret: `rp-${which}-secret-0123456789-abcdefghijklmnop` },
  });

  beforeAll(async () => {
    harness = await startChromiumHarness({
      // One relying party serving two clients under /a and /b (the callbacks show the code).
      relyingParty: { paths: ['/a/cb', '/a/fcl', '/a/bye', '/b/cb', '/b/fcl'], headingId: 'rp-page' },
      clients: (origin) => [
        {
          ...clientRecord(rpClient(origin, 'a')),
          client_name: 'Browser RP A',
          grant_types: ['authorization_code'],
          frontchannel_logout_uri: `${origin}/a/fcl`,
          frontchannel_logout_session_required: true,
        },
        {
          ...clientRecord(rpClient(origin, 'b')),
          client_name: 'Browser RP B',
          grant_types: ['authorization_code'],
          // A query of its own, kept on the notification (LOGOUT-08).
          frontchannel_logout_uri: `${origin}/b/fcl?x=1`,
          frontchannel_logout_session_required: false,
        },
      ],
    });
    ({ rp, issuer } = harness);
    rpOrigin = rp.origin;
  }, testTimeout);

  afterAll(() => harness?.close(), testTimeout);

  const authorizeUrl = (which: 'a' | 'b', challenge: string): string => {
    const client = rpClient(rpOrigin, which);
    return authorizationUrl(`${issuer}/authorize`, { clientId: client.id, redirectUri: client.redirectUri, state: `state-${which}`, nonce: `nonce-${which}`, challenge }, {}, '%20');
  };

  /** A fresh browser context: no SSO cookie from an earlier test. */
  const openSession = (): Promise<Session> => openChromiumSession(harness?.browser);

  const waitForPath = (session: Session, path: string, what: string): Promise<URL> =>
    waitUntilOn(session, rp!, (url) => url.origin === rpOrigin && url.pathname === path, `${what}: never reached ${rpOrigin}${path}`);

  /**
   * Log in to rp-a through the TestID page, then to rp-b by SSO (no login page), and redeem A's
   * code for its id_token.
   */
  async function loginToBothClients(session: Session): Promise<{ idTokenA: string; sidA: string }> {
    const { page } = session;
    const a = pkce();
    await expectLoginPage(page, authorizeUrl('a', a.challenge));
    await page.fill('input[name=pid]', pid);
    await page.click('#login-submit');
    const callbackA = await waitForPath(session, '/a/cb', 'login to rp-a');
    const codeA = callbackA.searchParams.get('code');
    expect(codeA, 'rp-a callback without a code').toMatch(base64url43);
    expect(callbackA.searchParams.get('state')).toBe('state-a');

    // SSO: the second client is answered straight away, without the login page.
    const b = pkce();
    const requestsBefore = session.requests.length;
    await page.goto(authorizeUrl('b', b.challenge), { timeout: navigationTimeout });
    const callbackB = await waitForPath(session, '/b/cb', 'SSO to rp-b');
    expect(callbackB.searchParams.get('code')).toMatch(base64url43);
    expect(callbackB.searchParams.get('state')).toBe('state-b');
    expect(
      session.requests.slice(requestsBefore).filter((url) => new URL(url).pathname.startsWith('/login/')),
      'SSO to rp-b showed the login page',
    ).toEqual([]);

    const clientA = rpClient(rpOrigin, 'a');
    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientA.id, secretOf(clientA)) },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: codeA!, redirect_uri: clientA.redirectUri, code_verifier: a.verifier }).toString(),
    });
    const tokenBody = (await token.json()) as { id_token?: string };
    expect(token.status, `token request failed: ${JSON.stringify(tokenBody)}`).toBe(200);
    const idTokenA = tokenBody.id_token!;
    const claims = jwtPayload(idTokenA);
    expect(claims.aud).toBe('rp-a');
    // IDT-10: A asked for session-aware front-channel logout, so its id_token carries sid.
    expect(typeof claims.sid, 'rp-a id_token has no sid').toBe('string');
    return { idTokenA, sidA: claims.sid as string };
  }

  /** RP-initiated logout from rp-a; resolves when Chromium is on /a/bye, with the elapsed time. */
  async function logoutFromA(session: Session, idTokenA: string): Promise<{ bye: URL; elapsedMs: number; pageStatus: number | undefined }> {
    const params = new URLSearchParams({ id_token_hint: idTokenA, post_logout_redirect_uri: rpClient(rpOrigin, 'a').postLogout, state: 'done' });
    const started = Date.now();
    // 'commit': the front-channel page navigates away by itself, possibly before its own load.
    const response = await session.page.goto(`${issuer}/logout?${params.toString()}`, { timeout: navigationTimeout, waitUntil: 'commit' });
    const bye = await waitForPath(session, '/a/bye', 'logout from rp-a');
    return { bye, elapsedMs: Date.now() - started, pageStatus: response?.status() };
  }

  /** Counts "Content-Security-Policy" too, not only Chromium's spaced wording. */
  const noCspViolations = (console: string[]): void => expectNoCspViolations(console, { anySeparator: true });

  it(
    'notifies both clients in iframes (iss+sid only for session_required), then redirects to post_logout_redirect_uri with state',
    async () => {
      const session = await openSession();
      try {
        const { idTokenA, sidA } = await loginToBothClients(session);
        const before = rp!.seen.length;
        const { bye, elapsedMs, pageStatus } = await logoutFromA(session, idTokenA);
        expect(pageStatus, 'the front-channel page was not served').toBe(200);
        // LOGOUT-12: the page may frame the RP origin (checked first: a blocked frame explains the rest).
        noCspViolations(session.console);
        expect(bye.searchParams.get('state')).toBe('done');

        const seen = rp!.seen.slice(before);
        const fclA = seen.filter((r) => r.path === '/a/fcl');
        const fclB = seen.filter((r) => r.path === '/b/fcl');
        const byeHits = seen.filter((r) => r.path === '/a/bye');
        // LOGOUT-08: the initiating client too; iss and sid because it registered session_required.
        expect(fclA.map((r) => r.method)).toEqual(['GET']);
        expect(Object.fromEntries(fclA[0]!.query)).toEqual({ iss: issuer, sid: sidA });
        // Without session_required the bare URI, its own query kept.
        expect(fclB.map((r) => r.method)).toEqual(['GET']);
        expect([...fclB[0]!.query]).toEqual([['x', '1']]);
        // LOGOUT-04, LOGOUT-05: the registered URI with state.
        expect(byeHits.map((r) => [r.method, [...r.query]])).toEqual([['GET', [['state', 'done']]]]);
        // The page proceeded after both notifications, on their load events, not on the timeout.
        expect(byeHits[0]!.seq).toBeGreaterThan(fclA[0]!.seq);
        expect(byeHits[0]!.seq).toBeGreaterThan(fclB[0]!.seq);
        expect(elapsedMs, 'the page waited for its timeout although both iframes loaded').toBeLessThan(boundedWaitFloorMs);
      } finally {
        await session.close();
      }
    },
    testTimeout,
  );

  it(
    'a front-channel URI that never answers delays the redirect by the bounded wait only (LOGOUT-08)',
    async () => {
      const session = await openSession();
      try {
        const { idTokenA, sidA } = await loginToBothClients(session);
        rp!.hang.add('/b/fcl');
        const before = rp!.seen.length;
        const { bye, elapsedMs } = await logoutFromA(session, idTokenA);
        noCspViolations(session.console);
        expect(bye.searchParams.get('state')).toBe('done');
        expect(elapsedMs, 'the page left before its bounded wait although /b/fcl never answered').toBeGreaterThanOrEqual(boundedWaitFloorMs);

        const seen = rp!.seen.slice(before);
        const fclA = seen.filter((r) => r.path === '/a/fcl');
        const fclB = seen.filter((r) => r.path === '/b/fcl');
        const byeHits = seen.filter((r) => r.path === '/a/bye');
        expect(Object.fromEntries(fclA[0]!.query)).toEqual({ iss: issuer, sid: sidA });
        expect(fclB.length, '/b/fcl was never requested').toBeGreaterThanOrEqual(1);
        expect(rp!.held.length).toBeGreaterThanOrEqual(1);
        expect(byeHits.map((r) => [...r.query])).toEqual([[['state', 'done']]]);
        expect(byeHits[0]!.seq).toBeGreaterThan(Math.max(fclA[0]!.seq, fclB[0]!.seq));
      } finally {
        rp!.hang.delete('/b/fcl');
        await session.close();
      }
    },
    slowRpTimeout,
  );
});
