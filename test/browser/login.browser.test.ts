// A real browser through the TestID login (docs/traps.md, browser-tests and form-action): Chromium opens
// /authorize, fills in the login page and must land on the client's redirect_uri. Chrome applies
// form-action to the redirects that follow a form POST, so a too-strict Content-Security-Policy
// on the login page (or the form_post page) blocks the last hop and the login hangs; only a real
// Chromium shows that, app.inject and Firefox do not. Provider and relying party both listen on
// 127.0.0.1; state lives in real Redis.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectLoginPage,
  expectNoCspViolations as noCspViolations,
  navigationTimeout,
  openSession,
  startChromiumHarness,
  testTimeout,
  waitUntilOn,
  type ChromiumHarness,
  type ChromiumSession,
  type RelyingParty,
} from '../support/chromium.js';
import { authorizationUrl, base64url43, clientRecord, pid, pkcePair, type TestClient } from '../support/vocabulary.js';

describe('TestID login in Chromium (docs/traps.md, form-action)', () => {
  let harness: ChromiumHarness | undefined;
  let rp: RelyingParty | undefined;
  let issuer = '';
  let callback = '';

  beforeAll(async () => {
    harness = await startChromiumHarness({
      // GET and POST /cb echo what they received, GET / is the logout landing.
      relyingParty: { paths: ['/cb', '/'], headingId: 'rp-callback' },
      clients: (rpOrigin) => {
        const client: TestClient = {
          id: 'browser-rp',
          redirectUri: `${rpOrigin}/cb`,
          postLogout: `${rpOrigin}/`,
          auth: { kind: 'basic', secret: 'browser-rp-secret-0123456789-abcdefghij' },
        };
        return [{ ...clientRecord(client), client_name: 'Browser RP' }];
      },
    });
    ({ rp, issuer } = harness);
    callback = `${rp.origin}/cb`;
  }, testTimeout);

  afterAll(() => harness?.close(), testTimeout);

  const authorizeUrl = (extra: Record<string, string> = {}): string =>
    authorizationUrl(`${issuer}/authorize`, { clientId: 'browser-rp', redirectUri: callback, state: 'xyz', challenge: pkcePair().challenge }, extra, '%20');

  /**
   * A fresh browser context (no SSO cookie from an earlier test) on the login page; `console`
   * collects every console message, which is where Chromium reports CSP violations.
   */
  async function openLoginPage(extra: Record<string, string> = {}): Promise<ChromiumSession> {
    const session = await openSession(harness?.browser);
    await expectLoginPage(session.page, authorizeUrl(extra));
    return session;
  }

  /** Click a button and wait until the browser is on the client's callback. */
  async function clickThroughToClient(page: Page, console: string[], selector: string): Promise<void> {
    await page.click(selector);
    await waitUntilOn({ page, console }, rp!, (url) => url.href.startsWith(callback), `Chromium never reached ${callback} after clicking ${selector}`);
  }

  it(
    'a user logs in and lands on the redirect_uri with code, state and iss (AUTHZ-18 AUTHZ-28)',
    async () => {
      const { page, console, close } = await openLoginPage();
      try {
        await page.fill('input[name=pid]', pid);
        const before = rp!.seen.length;
        await clickThroughToClient(page, console, '#login-submit');
        const hits = rp!.seen.slice(before).filter((r) => r.path === '/cb');
        expect(hits.map((r) => r.method)).toEqual(['GET']);
        const query = hits[0]!.query;
        expect(query.get('code')).toMatch(base64url43);
        expect(query.get('state')).toBe('xyz');
        expect(query.get('iss')).toBe(issuer);
        expect(query.get('error')).toBeNull();
        noCspViolations(console);
      } finally {
        await close();
      }
    },
    testTimeout,
  );

  it(
    'with response_mode=form_post the auto-submit script runs under the hashed CSP and POSTs code, state and iss (AUTHZ-18)',
    async () => {
      const { page, console, close } = await openLoginPage({ response_mode: 'form_post' });
      try {
        await page.fill('input[name=pid]', pid);
        const before = rp!.seen.length;
        await clickThroughToClient(page, console, '#login-submit');
        await page.waitForSelector('#rp-callback', { timeout: navigationTimeout });
        const hits = rp!.seen.slice(before).filter((r) => r.path === '/cb');
        expect(hits.map((r) => r.method)).toEqual(['POST']);
        const form = hits[0]!.form;
        expect(form.get('code')).toMatch(base64url43);
        expect(form.get('state')).toBe('xyz');
        expect(form.get('iss')).toBe(issuer);
        expect(form.get('error')).toBeNull();
        expect([...hits[0]!.query]).toEqual([]);
        noCspViolations(console);
      } finally {
        await close();
      }
    },
    testTimeout,
  );

  it(
    'the cancel button lands on the redirect_uri with error=access_denied (AUTHZ-26 AUTHZ-20)',
    async () => {
      const { page, console, close } = await openLoginPage();
      try {
        const before = rp!.seen.length;
        await clickThroughToClient(page, console, '#login-cancel');
        const hits = rp!.seen.slice(before).filter((r) => r.path === '/cb');
        expect(hits.map((r) => r.method)).toEqual(['GET']);
        const query = hits[0]!.query;
        expect(query.get('error')).toBe('access_denied');
        expect(query.get('state')).toBe('xyz');
        expect(query.get('iss')).toBe(issuer);
        expect(query.get('code')).toBeNull();
        noCspViolations(console);
      } finally {
        await close();
      }
    },
    testTimeout,
  );
});
