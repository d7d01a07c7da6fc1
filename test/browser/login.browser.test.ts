// A real browser through the TestID login (STACK.md "browser tests", trap T6): Chromium opens
// /authorize, fills in the login page and must land on the client's redirect_uri. Chrome applies
// form-action to the redirects that follow a form POST, so a too-strict Content-Security-Policy
// on the login page (or the form_post page) blocks the last hop and the login hangs; only a real
// Chromium shows that, app.inject and Firefox do not. Provider and relying party both listen on
// 127.0.0.1; state lives in real Redis.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../support/app.js';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const missingChromium =
  `Chromium is not installed at ${chromiumPath}; the browser tests need it (STACK.md "browser tests"). ` +
  'Install it from Debian: apt-get update && apt-get install -y chromium (.ci/run does this). ' +
  'Never use `npx playwright install` or the `playwright` package: browser downloads fail here.';

const testTimeout = 30_000;
const navigationTimeout = 10_000;

/** A free port on 127.0.0.1: bind a throwaway server on port 0, read the port, close it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      probe.close(() => resolve(address.port));
    });
  });
}

interface RpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The urlencoded body of a POST (form_post), else empty. */
  form: URLSearchParams;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/** The relying party: GET and POST /cb echo what they received, GET / is the logout landing. */
function startRelyingParty(port: number): Promise<{ server: Server; seen: RpRequest[] }> {
  const seen: RpRequest[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
      const body = request.method === 'POST' ? await readBody(request) : '';
      const entry: RpRequest = { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, form: new URLSearchParams(body) };
      seen.push(entry);
      if (url.pathname !== '/cb' && url.pathname !== '/') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const params = entry.method === 'POST' ? entry.form : entry.query;
      const rows = [...params].map(([k, v]) => `<li><code>${escapeHtml(k)}</code> = <code>${escapeHtml(v)}</code></li>`).join('');
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><head><title>Browser RP</title></head><body><h1 id="rp-callback">${entry.method} ${escapeHtml(url.pathname)}</h1><ul>${rows}</ul></body></html>`);
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, seen }));
  });
}

const closeServer = (server: Server | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (!server?.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
};

describe('TestID login in Chromium (STACK.md T6)', () => {
  let provider: TestProvider | undefined;
  let rp: { server: Server; seen: RpRequest[] } | undefined;
  let browser: Browser | undefined;
  let issuer = '';
  let rpOrigin = '';
  let callback = '';

  beforeAll(async () => {
    const [opPort, rpPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${opPort}`;
    rpOrigin = `http://127.0.0.1:${rpPort}`;
    callback = `${rpOrigin}/cb`;
    rp = await startRelyingParty(rpPort);
    provider = await startTestProvider({
      env: { OP_ISSUER: issuer },
      clients: [
        {
          client_id: 'browser-rp',
          client_secret: 'browser-rp-secret-0123456789-abcdefghij',
          client_name: 'Browser RP',
          client_orgno: '991825827',
          integration_type: 'idporten',
          redirect_uris: [callback],
          post_logout_redirect_uris: [`${rpOrigin}/`],
        },
      ],
    });
    await provider.app.listen({ port: opPort, host: '127.0.0.1' });
    // A missing Chromium fails every test below with the install hint; it is never skipped.
    if (existsSync(chromiumPath)) browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  }, testTimeout);

  afterAll(async () => {
    await browser?.close();
    await closeServer(rp?.server);
    await provider?.close();
  }, testTimeout);

  const requireBrowser = (): Browser => {
    if (!existsSync(chromiumPath)) throw new Error(missingChromium);
    if (!browser) throw new Error(`Chromium at ${chromiumPath} did not start`);
    return browser;
  };

  const authorizeUrl = (extra: Record<string, string> = {}): string => {
    const params = new URLSearchParams({
      client_id: 'browser-rp',
      redirect_uri: callback,
      response_type: 'code',
      scope: 'openid profile',
      state: 'xyz',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    return `${issuer}/authorize?${params.toString().replace(/\+/g, '%20')}`;
  };

  /**
   * A fresh browser context (no SSO cookie from an earlier test) on the login page; `console`
   * collects every console message, which is where Chromium reports CSP violations.
   */
  async function openLoginPage(extra: Record<string, string> = {}): Promise<{ page: Page; console: string[]; close: () => Promise<void> }> {
    const context = await requireBrowser().newContext();
    const page = await context.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.push(`[pageerror] ${error.message}`));
    const response = await page.goto(authorizeUrl(extra), { timeout: navigationTimeout });
    expect(response?.status(), `the login page did not open: ${page.url()}`).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(/^\/login\//);
    return { page, console, close: () => context.close() };
  }

  /** Click a button and wait until the browser is on the client's callback. */
  async function clickThroughToClient(page: Page, console: string[], selector: string): Promise<void> {
    await page.click(selector);
    try {
      await page.waitForURL((url) => url.href.startsWith(callback), { timeout: navigationTimeout });
    } catch (error) {
      throw new Error(
        `Chromium never reached ${callback} after clicking ${selector}; it is on ${page.url()}.\n` +
          `Console messages (a CSP violation shows up here):\n${console.join('\n') || '(none)'}\n${String(error)}`,
      );
    }
  }

  const noCspViolations = (console: string[]) =>
    expect(
      console.filter((m) => /content security policy/i.test(m)),
      'Chromium reported Content-Security-Policy violations',
    ).toEqual([]);

  it(
    'a user logs in and lands on the redirect_uri with code, state and iss (AUTHZ-18 AUTHZ-28)',
    async () => {
      const { page, console, close } = await openLoginPage();
      try {
        await page.fill('input[name=pid]', '21879498012');
        const before = rp!.seen.length;
        await clickThroughToClient(page, console, '#login-submit');
        const hits = rp!.seen.slice(before).filter((r) => r.path === '/cb');
        expect(hits.map((r) => r.method)).toEqual(['GET']);
        const query = hits[0]!.query;
        expect(query.get('code')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
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
        await page.fill('input[name=pid]', '21879498012');
        const before = rp!.seen.length;
        await clickThroughToClient(page, console, '#login-submit');
        await page.waitForSelector('#rp-callback', { timeout: navigationTimeout });
        const hits = rp!.seen.slice(before).filter((r) => r.path === '/cb');
        expect(hits.map((r) => r.method)).toEqual(['POST']);
        const form = hits[0]!.form;
        expect(form.get('code')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
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
