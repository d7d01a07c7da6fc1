// The harness of the Chromium tests in test/browser (docs/traps.md, browser-tests): the provider and
// a tiny relying party both listening on 127.0.0.1 (state in real Redis), Chromium from Debian at
// /usr/bin/chromium started with the flags of docs/traps.md, and one fresh browser context per test that
// records its console (where Chromium reports CSP violations) and every URL it requested.
//
// A missing Chromium is never a skip: every test that opens a session fails with the install hint.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestProvider, type TestProvider } from './app.js';

export const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const missingChromium =
  `Chromium is not installed at ${chromiumPath}; the browser tests need it (docs/traps.md, browser-tests). ` +
  'Install it from Debian: apt-get update && apt-get install -y chromium (.ci/run does this). ' +
  'Never use `npx playwright install` or the `playwright` package: browser downloads fail here.';

/** For beforeAll, afterAll and a test as a whole. */
export const testTimeout = 30_000;
/** For one navigation or one wait for a URL. */
export const navigationTimeout = 10_000;

/** A free port on 127.0.0.1: bind a throwaway server on port 0, read the port, close it. */
export function freePort(): Promise<number> {
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

// ---------------------------------------------------------------------------------------------
// The relying party

export interface RpRequest {
  /** Position in the order the relying party received requests. */
  seq: number;
  method: string;
  path: string;
  query: URLSearchParams;
  /** The urlencoded body of a POST (form_post), else empty. */
  form: URLSearchParams;
}

export interface RelyingPartyOptions {
  /** The paths it serves; any other path gets a 404 (still recorded). */
  paths: readonly string[];
  /** The id of the served page's <h1>, for a test to wait for. */
  headingId: string;
}

export interface RelyingParty {
  server: Server;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Every request, in the order received. */
  seen: RpRequest[];
  /** Paths it never answers while listed here (headers never sent): a relying party that hangs. */
  hang: Set<string>;
  /** The responses held open because of `hang`; destroyed when the harness closes. */
  held: ServerResponse[];
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/**
 * The relying party: it records every request and answers the `paths` it serves with 200 and a
 * tiny page showing what it received (the query of a GET, the form of a POST).
 */
export function startRelyingParty(port: number, options: RelyingPartyOptions): Promise<RelyingParty> {
  const origin = `http://127.0.0.1:${port}`;
  const paths = new Set(options.paths);
  const seen: RpRequest[] = [];
  const hang = new Set<string>();
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', origin);
      const method = request.method ?? 'GET';
      // Only a POST waits for its body; a GET is recorded at once, in arrival order.
      const body = method === 'POST' ? await readBody(request) : '';
      const entry: RpRequest = { seq: seen.length, method, path: url.pathname, query: url.searchParams, form: new URLSearchParams(body) };
      seen.push(entry);
      if (!paths.has(url.pathname)) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      if (hang.has(url.pathname)) {
        // Headers never sent, body never ended: an iframe's load event never fires.
        held.push(response);
        return;
      }
      const params = method === 'POST' ? entry.form : entry.query;
      const rows = [...params].map(([k, v]) => `<li><code>${escapeHtml(k)}</code> = <code id="rp-${escapeHtml(k)}">${escapeHtml(v)}</code></li>`).join('');
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html><head><title>Browser RP</title></head><body><h1 id="${escapeHtml(options.headingId)}">${method} ${escapeHtml(url.pathname)}</h1><ul>${rows}</ul></body></html>`,
        );
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, origin, seen, hang, held }));
  });
}

const closeServer = (server: Server | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (!server?.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

// ---------------------------------------------------------------------------------------------
// Provider, relying party and Chromium together

export interface ChromiumHarnessOptions {
  /** The provider's client records, given the relying party's origin (http://127.0.0.1:<port>). */
  clients: (rpOrigin: string) => unknown[];
  /** Scope records (CLIENT-16); default: only the built-in scopes. */
  scopes?: unknown[];
  relyingParty: RelyingPartyOptions;
  /** The provider's port (default: a free one), when something must know its issuer in advance. */
  opPort?: number;
  /** More OP_* variables for the provider. */
  env?: Record<string, string>;
}

export interface ChromiumHarness {
  /** http://127.0.0.1:<port>, the provider's OP_ISSUER. */
  issuer: string;
  provider: TestProvider;
  rp: RelyingParty;
  /** Undefined when Chromium is not installed: openSession then fails with the install hint. */
  browser: Browser | undefined;
  /** Frees held responses, closes Chromium, the relying party and the provider (its Redis keys). */
  close(): Promise<void>;
}

/** For beforeAll (with testTimeout): everything started, or (on a failure) nothing left running. */
export async function startChromiumHarness(options: ChromiumHarnessOptions): Promise<ChromiumHarness> {
  const [opPort, rpPort] = [options.opPort ?? (await freePort()), await freePort()];
  const issuer = `http://127.0.0.1:${opPort}`;
  let rp: RelyingParty | undefined;
  let provider: TestProvider | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    for (const response of rp?.held ?? []) response.destroy();
    await browser?.close();
    await closeServer(rp?.server);
    await provider?.close();
  };
  try {
    rp = await startRelyingParty(rpPort, options.relyingParty);
    provider = await startTestProvider({ env: { ...options.env, OP_ISSUER: issuer }, clients: options.clients(rp.origin), ...(options.scopes ? { scopes: options.scopes } : {}) });
    await provider.app.listen({ port: opPort, host: '127.0.0.1' });
    if (existsSync(chromiumPath)) browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    return { issuer, provider, rp, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions

export interface ChromiumSession {
  page: Page;
  /** Console messages of the page and its frames: where Chromium reports CSP violations. */
  console: string[];
  /** Every URL the browser requested, in order. */
  requests: string[];
  close: () => Promise<void>;
}

/** A fresh browser context (no SSO cookie from an earlier test) with one page. */
export async function openSession(browser: Browser | undefined): Promise<ChromiumSession> {
  if (!existsSync(chromiumPath)) throw new Error(missingChromium);
  if (!browser) throw new Error(`Chromium at ${chromiumPath} did not start`);
  const context = await browser.newContext();
  const page = await context.newPage();
  const console: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => console.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.push(`[pageerror] ${error.message}`));
  context.on('request', (request) => requests.push(request.url()));
  return { page, console, requests, close: () => context.close() };
}

/** Navigate to an authorization request that must show the TestID login page. */
export async function expectLoginPage(page: Page, authorizeUrl: string): Promise<void> {
  const response = await page.goto(authorizeUrl, { timeout: navigationTimeout });
  expect(response?.status(), `the login page did not open: ${page.url()}`).toBe(200);
  expect(new URL(page.url()).pathname).toMatch(/^\/login\//);
}

/**
 * Wait until the page's URL matches; if it never does, fail with `what` and everything that
 * explains why: where Chromium is, its console (a CSP violation shows up there) and what the
 * relying party saw.
 */
export async function waitUntilOn(session: Pick<ChromiumSession, 'page' | 'console'>, rp: RelyingParty, matches: (url: URL) => boolean, what: string): Promise<URL> {
  try {
    await session.page.waitForURL(matches, { timeout: navigationTimeout });
  } catch (error) {
    throw new Error(
      `${what}; Chromium is on ${session.page.url()}.\n` +
        `Console messages (a CSP violation shows up here):\n${session.console.join('\n') || '(none)'}\n` +
        `Relying party saw:\n${rp.seen.map((r) => `  #${r.seq} ${r.method} ${r.path}?${r.query.toString()}`).join('\n') || '  (nothing)'}\n${String(error)}`,
    );
  }
  return new URL(session.page.url());
}

/**
 * No console message reports a Content-Security-Policy violation. By default a message counts
 * when it has the words "content security policy" (Chromium's wording); `anySeparator` also
 * counts any other single character between the words ("Content-Security-Policy").
 */
export function expectNoCspViolations(console: readonly string[], { anySeparator = false }: { anySeparator?: boolean } = {}): void {
  const pattern = anySeparator ? /content.security.policy/i : /content security policy/i;
  expect(
    console.filter((m) => pattern.test(m)),
    'Chromium reported Content-Security-Policy violations',
  ).toEqual([]);
}
