// The developer tools and the ready test persons in Chromium under the real CSP (docs/interface.md,
// "Tools for relying-party developers"; docs/traps.md, form-action): the landing page's links
// lead where they say; the debugger's round trip (PAR, form_post, a ready test person) ends on
// the callback page with the decoded tokens and userinfo, then refresh, revoke and logout work
// from that page; and the TestID page's person list and number field work by keyboard alone.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoCspViolations,
  navigationTimeout,
  openSession,
  startChromiumHarness,
  testTimeout,
  type ChromiumHarness,
} from '../support/chromium.js';
import { pid } from '../support/vocabulary.js';

const json = async (page: Page, selector: string): Promise<Record<string, unknown>> => JSON.parse((await page.textContent(selector)) ?? 'null') as Record<string, unknown>;

describe('developer tools and test persons in Chromium', () => {
  let harness: ChromiumHarness | undefined;
  let issuer = '';

  beforeAll(async () => {
    harness = await startChromiumHarness({ relyingParty: { paths: ['/cb'], headingId: 'rp-page' }, clients: () => [] });
    issuer = harness.issuer;
  }, testTimeout);

  afterAll(() => harness?.close(), testTimeout);

  it(
    'the landing page links discovery, JWKS, the API reference and the debugger, and each link opens',
    async () => {
      const { page, console, close } = await openSession(harness?.browser);
      try {
        await page.goto(`${issuer}/`, { timeout: navigationTimeout });
        expect(await page.textContent('#landing-clients')).toContain(`${issuer}/debugger/callback`);
        for (const [link, check] of [
          ['#link-discovery', async () => expect(JSON.parse((await page.textContent('body'))!)).toMatchObject({ issuer })],
          ['#link-jwks', async () => expect(JSON.parse((await page.textContent('body'))!).keys.length).toBeGreaterThan(0)],
          ['#link-api-reference', async () => expect(await page.textContent('h1')).toBe('API reference')],
          ['#link-debugger', async () => expect(await page.isVisible('#debugger-form')).toBe(true)],
        ] as const) {
          await page.goto(`${issuer}/`, { timeout: navigationTimeout });
          await Promise.all([page.waitForLoadState('load'), page.click(link)]);
          await check();
        }
        expectNoCspViolations(console);
      } finally {
        await close();
      }
    },
    testTimeout,
  );

  it(
    'debugger round trip: PAR and form_post as the debugger client, a ready test person, then tokens, userinfo, refresh, revoke and logout',
    async () => {
      const { page, console, close } = await openSession(harness?.browser);
      try {
        await page.goto(`${issuer}/debugger`, { timeout: navigationTimeout });
        await page.selectOption('#debugger-acr', 'idporten-loa-high');
        await page.selectOption('#debugger-response-mode', 'form_post');
        await page.check('#debugger-par');
        await page.click('#debugger-start');
        await page.waitForSelector('#login-form', { timeout: navigationTimeout });
        const person = (await page.getAttribute('#test-person-minor', 'value'))!;
        await page.click('#test-person-minor');
        await page.waitForSelector('#debugger-id-token', { timeout: navigationTimeout });
        expect(await json(page, '#debugger-id-token')).toMatchObject({ iss: issuer, aud: 'debugger', pid: person, acr: 'idporten-loa-high' });
        expect(await json(page, '#debugger-access-token')).toMatchObject({ client_id: 'debugger', pid: person });
        expect(await json(page, '#debugger-userinfo')).toMatchObject({ pid: person });

        await page.click('#debugger-refresh');
        await page.waitForSelector('text=Tokens refreshed', { timeout: navigationTimeout });
        expect(await json(page, '#debugger-userinfo')).toMatchObject({ pid: person });

        await page.click('#debugger-revoke-access');
        await page.waitForSelector('#debugger-revocation', { timeout: navigationTimeout });
        expect(await json(page, '#debugger-userinfo')).toMatchObject({ status: 401 });

        await page.click('#debugger-logout');
        await page.waitForSelector('#debugger-notice', { timeout: navigationTimeout });
        expect(new URL(page.url()).pathname).toBe('/debugger');
        expectNoCspViolations(console);
      } finally {
        await close();
      }
    },
    testTimeout,
  );

  it(
    'AUTHN-03 by keyboard alone: Enter in the number field logs in with the typed number; Tab to a ready person and Enter logs that person in',
    async () => {
      const { page, console, close } = await openSession(harness?.browser);
      try {
        // The debugger as the client: its callback shows who logged in.
        const start = async () => {
          await page.goto(`${issuer}/debugger`, { timeout: navigationTimeout });
          // prompt=login: the second time, the session of the first would answer without a page.
          await page.selectOption('#debugger-prompt', 'login');
          await page.focus('#debugger-start');
          await page.keyboard.press('Enter');
          await page.waitForSelector('#login-form', { timeout: navigationTimeout });
        };
        await start();
        await page.focus('#pid');
        await page.keyboard.type(pid);
        await page.keyboard.press('Enter');
        await page.waitForSelector('#debugger-id-token', { timeout: navigationTimeout });
        expect(await json(page, '#debugger-id-token')).toMatchObject({ pid });

        await start();
        const wanted = (await page.getAttribute('#test-person-d-number', 'value'))!;
        await page.focus('#pid');
        for (let i = 0; i < 20; i++) {
          await page.keyboard.press('Tab');
          if ((await page.evaluate('document.activeElement && document.activeElement.id')) === 'test-person-d-number') break;
        }
        expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('test-person-d-number');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#debugger-id-token', { timeout: navigationTimeout });
        expect(await json(page, '#debugger-id-token')).toMatchObject({ pid: wanted });
        expectNoCspViolations(console);
      } finally {
        await close();
      }
    },
    testTimeout,
  );
});
