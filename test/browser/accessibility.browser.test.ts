// Accessibility (WCAG 2.1 A and AA, which Norwegian public services must meet): every page of the
// provider, in every language, is checked in Chromium under its real CSP by axe-core (colour
// contrast included) and fails on any violation; every control on it is reachable by the keyboard
// alone (Tab), and nothing on it breaks the CSP. axe is injected through the DevTools protocol
// (page.evaluate), which the pages' CSP does not govern, so the pages are tested exactly as served.
//
// The pages are one table (`pages` below): a name and how to bring a fresh browser to that page.
// A page added by a later feature is one more row.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/i18n/messages.js';
import type { Locale } from '../../src/i18n/locale.js';
import {
  expectNoCspViolations,
  navigationTimeout,
  openSession,
  startChromiumHarness,
  testTimeout,
  type ChromiumHarness,
  type ChromiumSession,
} from '../support/chromium.js';
import { authorizationUrl, basic, consentScopeRecord, pid, pkcePair } from '../support/vocabulary.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const wcag21aa = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const locales: readonly Locale[] = ['nb', 'nn', 'en', 'se'];

const web = { id: 'a11y-web', secret: 'a11y-web-secret-0123456789-abcdefghijklmn' };
const consenting = { id: 'a11y-consent', secret: 'a11y-consent-secret-0123456789-abcdefghij' };

/** What a row needs to reach its page. */
interface Context {
  issuer: string;
  rpOrigin: string;
  harness: ChromiumHarness;
}

interface PageCase {
  name: string;
  /** Brings the session's page to the page under test (the language cookie is already set). */
  open(session: ChromiumSession, context: Context): Promise<void>;
  /** Pages written in English only (the developer tools) keep lang="en" in every locale. */
  englishOnly?: boolean;
  /** Pages that show nothing to operate (they move on by themselves) skip the Tab walk. */
  noKeyboardWalk?: boolean;
}

const authorizeUrl = (context: Context, clientId: string, extra: Record<string, string> = {}, challenge = pkcePair().challenge) =>
  authorizationUrl(`${context.issuer}/authorize`, { clientId, redirectUri: `${context.rpOrigin}/cb`, state: 'a11y', challenge }, extra, '%20');

async function toLoginPageWith(page: Page, url: string, selector: string): Promise<void> {
  await page.goto(url, { timeout: navigationTimeout });
  await page.waitForSelector(selector, { timeout: navigationTimeout });
}

async function toLoginPage(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: navigationTimeout });
  await page.waitForSelector('#login-form', { timeout: navigationTimeout });
}

/** Log in as `web` and return its id_token (for a logout). */
async function loggedIn(session: ChromiumSession, context: Context): Promise<string> {
  const { verifier, challenge } = pkcePair();
  await toLoginPage(session.page, authorizeUrl(context, web.id, {}, challenge));
  await session.page.fill('#pid', pid);
  const before = context.harness.rp.seen.length;
  await session.page.click('#login-submit');
  await session.page.waitForURL((url) => url.pathname === '/cb', { timeout: navigationTimeout });
  const code = context.harness.rp.seen.slice(before).find((r) => r.path === '/cb')!.query.get('code')!;
  const response = await fetch(`${context.issuer}/token`, {
    method: 'POST',
    headers: { authorization: basic(web.id, web.secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${context.rpOrigin}/cb`, code_verifier: verifier }),
  });
  return ((await response.json()) as { id_token: string }).id_token;
}

async function debuggerResult(session: ChromiumSession, context: Context): Promise<void> {
  await session.page.goto(`${context.issuer}/debugger`, { timeout: navigationTimeout });
  await session.page.click('#debugger-start');
  await session.page.waitForSelector('#login-form', { timeout: navigationTimeout });
  await session.page.click('#test-person-adult');
  await session.page.waitForSelector('#debugger-id-token', { timeout: navigationTimeout });
}

// One row per page. Later features append theirs (eID selector, eIDAS login, …).
const pages: PageCase[] = [
  { name: 'login', open: (s, c) => toLoginPage(s.page, authorizeUrl(c, web.id)) },
  {
    name: 'login with a refused number',
    async open(s, c) {
      await toLoginPage(s.page, authorizeUrl(c, web.id));
      await s.page.fill('#pid', '12345678901');
      await s.page.click('#login-submit');
      await s.page.waitForSelector('#login-problem', { timeout: navigationTimeout });
    },
  },
  {
    name: 'consent',
    async open(s, c) {
      await toLoginPage(s.page, authorizeUrl(c, consenting.id, { scope: 'openid profile bank:accounts' }));
      await s.page.fill('#pid', pid);
      await s.page.click('#login-submit');
      await s.page.waitForSelector('#consent-form', { timeout: navigationTimeout });
    },
  },
  {
    name: 'error',
    async open(s, c) {
      await s.page.goto(`${c.issuer}/authorize?client_id=nobody&response_type=code`, { timeout: navigationTimeout });
      await s.page.waitForSelector('#op-error', { timeout: navigationTimeout });
    },
  },
  {
    name: 'logged-out',
    async open(s, c) {
      const idToken = await loggedIn(s, c);
      c.harness.rp.hang.delete('/fcl');
      await s.page.goto(`${c.issuer}/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: `${c.rpOrigin}/`, state: 'x' })}`, { timeout: navigationTimeout });
      // Notifies the client, then leaves for post_logout_redirect_uri; without one it would stay
      // on the front-channel page, so the logged-out page is reached with no session at all.
      await s.page.goto(`${c.issuer}/logout`, { timeout: navigationTimeout });
      await s.page.waitForSelector('#logged-out', { timeout: navigationTimeout });
    },
  },
  {
    name: 'front-channel logout',
    noKeyboardWalk: true,
    async open(s, c) {
      const idToken = await loggedIn(s, c);
      // Without post_logout_redirect_uri the page stays once the clients are told.
      // The client never answers its iframe (hang), so the page does not wait for the load event.
      await s.page.goto(`${c.issuer}/logout?${new URLSearchParams({ id_token_hint: idToken })}`, { timeout: navigationTimeout, waitUntil: 'domcontentloaded' });
      await s.page.waitForSelector('#frontchannel-logout iframe', { state: 'attached', timeout: navigationTimeout });
    },
  },
  {
    name: 'form_post',
    noKeyboardWalk: true,
    async open(s, c) {
      // The auto-submitted POST to the client is cancelled (net::ERR_ABORTED leaves the page in
      // place), so the form_post page stays the document.
      await s.page.route(`${c.rpOrigin}/cb`, (route) => route.abort('aborted'));
      await toLoginPage(s.page, authorizeUrl(c, web.id, { response_mode: 'form_post' }));
      await s.page.fill('#pid', pid);
      await s.page.click('#login-submit', { noWaitAfter: true });
      await s.page.waitForSelector(`form[action="${c.rpOrigin}/cb"]`, { state: 'attached', timeout: navigationTimeout });
    },
  },
  // AUTHN-01 the eID selector (TestID beside the eIDAS test login) and IDT-11 the eIDAS login alone.
  { name: 'eID selector', open: async (s, c) => void (await toLoginPageWith(s.page, authorizeUrl(c, web.id, { login_hint: 'eidas:true' }), '#eid-selector')) },
  { name: 'eIDAS login', open: async (s, c) => void (await toLoginPageWith(s.page, authorizeUrl(c, web.id, { acr_values: 'eidas-loa-high' }), '#eidas-login-form')) },
  { name: 'landing', englishOnly: true, open: async (s, c) => void (await s.page.goto(`${c.issuer}/`, { timeout: navigationTimeout })) },
  { name: 'debugger', englishOnly: true, open: async (s, c) => void (await s.page.goto(`${c.issuer}/debugger`, { timeout: navigationTimeout })) },
  { name: 'debugger result', englishOnly: true, open: debuggerResult },
  { name: 'API reference', englishOnly: true, open: async (s, c) => void (await s.page.goto(`${c.issuer}/docs`, { timeout: navigationTimeout })) },
];

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[];
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  // In-page code is a string: this project compiles without the DOM library.
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(wcag21aa)} }, iframes: false, resultTypes: ['violations'] })`)) as AxeResult;
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}: ${n.failureSummary}`));
}

/** Marks every control a keyboard user must reach (one stop per radio group) and counts the stops. */
const markControls = `(() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';
  const groups = new Set();
  let i = 0;
  for (const element of document.querySelectorAll(selector)) {
    if (element.closest('noscript') || element.offsetParent === null) continue;
    if (element.type === 'radio' && element.tagName === 'INPUT') {
      if (groups.has(element.name)) continue;
      groups.add(element.name);
      for (const radio of document.querySelectorAll('input[type=radio][name="' + element.name + '"]')) radio.dataset.a11y = 'r-' + element.name;
      continue;
    }
    element.dataset.a11y = String(i++);
  }
  return i + groups.size;
})()`;
const focusedControl = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return { id: element.dataset.a11y, outlined: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
})()`;
const markedControls = `Array.from(new Set(Array.from(document.querySelectorAll('[data-a11y]')).map((e) => e.dataset.a11y + '=' + e.outerHTML.slice(0, 80))))`;

/** Tab through the page: every marked control must take the focus, each with a visible outline. */
async function tabWalk(page: Page): Promise<{ missed: string[]; visibleFocus: boolean }> {
  const count = (await page.evaluate(markControls)) as number;
  const reached = new Set<string>();
  let visibleFocus = true;
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  for (let step = 0; step < count + 3; step++) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(focusedControl)) as { id?: string; outlined: boolean } | null;
    if (focused?.id !== undefined) {
      reached.add(focused.id);
      if (!focused.outlined) visibleFocus = false;
    }
  }
  const all = (await page.evaluate(markedControls)) as string[];
  return { missed: all.filter((entry) => !reached.has(entry.split('=')[0]!)), visibleFocus };
}

describe('accessibility of every page in every language (WCAG 2.1 A/AA, axe-core in Chromium)', () => {
  let harness: ChromiumHarness | undefined;
  let context: Context;

  beforeAll(async () => {
    harness = await startChromiumHarness({
      relyingParty: { paths: ['/cb', '/', '/fcl'], headingId: 'rp-page' },
      scopes: [consentScopeRecord],
      clients: (rpOrigin) => [
        {
          client_id: web.id,
          client_secret: web.secret,
          client_name: 'Accessible Web Service',
          client_orgno: '991825827',
          integration_type: 'idporten',
          redirect_uris: [`${rpOrigin}/cb`],
          post_logout_redirect_uris: [`${rpOrigin}/`],
          frontchannel_logout_uri: `${rpOrigin}/fcl`,
          frontchannel_logout_session_required: true,
        },
        {
          client_id: consenting.id,
          client_secret: consenting.secret,
          client_name: 'Accessible Bank',
          client_orgno: '991825827',
          integration_type: 'api_klient',
          scopes: ['openid', 'profile', 'bank:accounts'],
          redirect_uris: [`${rpOrigin}/cb`],
          post_logout_redirect_uris: [`${rpOrigin}/`],
        },
      ],
    });
    context = { issuer: harness.issuer, rpOrigin: harness.rp.origin, harness };
  }, testTimeout);

  afterAll(() => harness?.close(), testTimeout);

  const cases = pages.flatMap((page) => locales.map((locale) => [page.name, locale, page] as const));

  it.each(cases)(
    '%s page in %s: no axe violation, every control reachable by Tab with a visible focus, no CSP violation',
    async (_name, locale, pageCase) => {
      const session = await openSession(harness?.browser);
      try {
        await session.page.context().addCookies([{ name: 'IDPORTEN_SELECTED_LANGUAGE', value: locale, url: context.issuer }]);
        harness!.rp.hang.clear();
        harness!.rp.hang.add('/fcl');
        await pageCase.open(session, context);
        expect(await session.page.evaluate('document.documentElement.lang')).toBe(pageCase.englishOnly ? 'en' : messages[locale].htmlLang);
        expect(await axeViolations(session.page), `axe found WCAG 2.1 A/AA violations on ${session.page.url()}`).toEqual([]);
        if (!pageCase.noKeyboardWalk) {
          const walk = await tabWalk(session.page);
          expect(walk.missed, 'controls never reached by Tab').toEqual([]);
          expect(walk.visibleFocus, 'a control had no visible focus outline').toBe(true);
        }
        expectNoCspViolations(session.console);
      } finally {
        harness!.rp.hang.clear();
        for (const response of harness!.rp.held.splice(0)) response.destroy();
        await session.close();
      }
    },
    testTimeout,
  );
});
