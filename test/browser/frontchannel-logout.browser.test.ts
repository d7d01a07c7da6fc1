// Front-channel logout in a real browser (LOGOUT-04, LOGOUT-08, LOGOUT-12; STACK.md "browser
// tests"): Chromium logs in to two clients of one tiny relying party (the second by SSO), then
// RP-initiated logout renders the front-channel page. Only a real browser proves that the page's
// CSP lets it frame the RPs' logout URIs (frame-src, LOGOUT-12), that its hashed script counts the
// iframes' load events and then follows data-post-logout-redirect, and that a relying party that
// never answers cannot hold the user for longer than the bounded wait (5 s, LOGOUT-08).
// Provider and relying party both listen on 127.0.0.1; state lives in real Redis.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
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
const slowRpTimeout = 20_000;
const navigationTimeout = 10_000;
/** LOGOUT-08: the page's bounded wait (views/logout-pages.ts frontchannelWaitMs), minus slack. */
const boundedWaitFloorMs = 4_500;

const pid = '21879498012';

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
  /** Position in the order the relying party received requests. */
  seq: number;
  method: string;
  path: string;
  query: URLSearchParams;
}

interface RelyingParty {
  server: Server;
  seen: RpRequest[];
  /** When set, GET /b/fcl is never answered (a relying party that hangs). */
  hangFrontchannelB: boolean;
  /** Responses held open by hangFrontchannelB; ended in afterAll. */
  held: ServerResponse[];
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const rpPaths = new Set(['/a/cb', '/a/fcl', '/a/bye', '/b/cb', '/b/fcl']);

/**
 * One relying party serving two clients under /a and /b: it records every request and answers
 * 200 with a tiny page that shows what it received (the callbacks show the code).
 */
function startRelyingParty(port: number): Promise<RelyingParty> {
  const rp: RelyingParty = { server: undefined as unknown as Server, seen: [], hangFrontchannelB: false, held: [] };
  rp.server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    rp.seen.push({ seq: rp.seen.length, method: request.method ?? 'GET', path: url.pathname, query: url.searchParams });
    if (!rpPaths.has(url.pathname)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (url.pathname === '/b/fcl' && rp.hangFrontchannelB) {
      // Headers never sent, body never ended: the iframe's load event never fires.
      rp.held.push(response);
      return;
    }
    const rows = [...url.searchParams].map(([k, v]) => `<li><code>${escapeHtml(k)}</code> = <code id="rp-${escapeHtml(k)}">${escapeHtml(v)}</code></li>`).join('');
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html><head><title>Browser RP</title></head><body><h1 id="rp-page">${escapeHtml(url.pathname)}</h1><ul>${rows}</ul></body></html>`);
  });
  return new Promise((resolve, reject) => {
    rp.server.once('error', reject);
    rp.server.listen(port, '127.0.0.1', () => resolve(rp));
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

const jwtPayload = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const basic = (clientId: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('front-channel logout in Chromium (LOGOUT-04 LOGOUT-08 LOGOUT-12)', () => {
  let provider: TestProvider | undefined;
  let rp: RelyingParty | undefined;
  let browser: Browser | undefined;
  let issuer = '';
  let rpOrigin = '';

  const secretA = 'rp-a-secret-0123456789-abcdefghijklmnop';
  const secretB = 'rp-b-secret-0123456789-abcdefghijklmnop';

  beforeAll(async () => {
    const [opPort, rpPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${opPort}`;
    rpOrigin = `http://127.0.0.1:${rpPort}`;
    rp = await startRelyingParty(rpPort);
    const common = { client_orgno: '991825827', integration_type: 'idporten', grant_types: ['authorization_code'] };
    provider = await startTestProvider({
      env: { OP_ISSUER: issuer },
      clients: [
        {
          ...common,
          client_id: 'rp-a',
          client_secret: secretA,
          client_name: 'Browser RP A',
          redirect_uris: [`${rpOrigin}/a/cb`],
          post_logout_redirect_uris: [`${rpOrigin}/a/bye`],
          frontchannel_logout_uri: `${rpOrigin}/a/fcl`,
          frontchannel_logout_session_required: true,
        },
        {
          ...common,
          client_id: 'rp-b',
          client_secret: secretB,
          client_name: 'Browser RP B',
          redirect_uris: [`${rpOrigin}/b/cb`],
          post_logout_redirect_uris: [`${rpOrigin}/b/bye`],
          // A query of its own, kept on the notification (LOGOUT-08).
          frontchannel_logout_uri: `${rpOrigin}/b/fcl?x=1`,
          frontchannel_logout_session_required: false,
        },
      ],
    });
    await provider.app.listen({ port: opPort, host: '127.0.0.1' });
    // A missing Chromium fails every test below with the install hint; it is never skipped.
    if (existsSync(chromiumPath)) browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  }, testTimeout);

  afterAll(async () => {
    for (const response of rp?.held ?? []) response.destroy();
    await browser?.close();
    await closeServer(rp?.server);
    await provider?.close();
  }, testTimeout);

  const requireBrowser = (): Browser => {
    if (!existsSync(chromiumPath)) throw new Error(missingChromium);
    if (!browser) throw new Error(`Chromium at ${chromiumPath} did not start`);
    return browser;
  };

  const authorizeUrl = (client: 'a' | 'b', challenge: string): string => {
    const params = new URLSearchParams({
      client_id: `rp-${client}`,
      redirect_uri: `${rpOrigin}/${client}/cb`,
      response_type: 'code',
      scope: 'openid profile',
      state: `state-${client}`,
      nonce: `nonce-${client}`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return `${issuer}/authorize?${params.toString().replace(/\+/g, '%20')}`;
  };

  interface Session {
    page: Page;
    /** Console messages of the page and its frames: where Chromium reports CSP violations. */
    console: string[];
    /** Every URL the browser requested, in order. */
    requests: string[];
    close: () => Promise<void>;
  }

  /** A fresh browser context: no SSO cookie from an earlier test. */
  async function openSession(): Promise<Session> {
    const context = await requireBrowser().newContext();
    const page = await context.newPage();
    const console: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => console.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.push(`[pageerror] ${error.message}`));
    context.on('request', (request) => requests.push(request.url()));
    return { page, console, requests, close: () => context.close() };
  }

  const describeState = (session: Session, what: string, error: unknown): Error =>
    new Error(
      `${what}; Chromium is on ${session.page.url()}.\n` +
        `Console messages (a CSP violation shows up here):\n${session.console.join('\n') || '(none)'}\n` +
        `Relying party saw:\n${rp!.seen.map((r) => `  #${r.seq} ${r.method} ${r.path}?${r.query.toString()}`).join('\n') || '  (nothing)'}\n${String(error)}`,
    );

  async function waitForPath(session: Session, path: string, what: string): Promise<URL> {
    try {
      await session.page.waitForURL((url) => url.origin === rpOrigin && url.pathname === path, { timeout: navigationTimeout });
    } catch (error) {
      throw describeState(session, `${what}: never reached ${rpOrigin}${path}`, error);
    }
    return new URL(session.page.url());
  }

  /**
   * Log in to rp-a through the TestID page, then to rp-b by SSO (no login page), and redeem A's
   * code for its id_token.
   */
  async function loginToBothClients(session: Session): Promise<{ idTokenA: string; sidA: string }> {
    const { page } = session;
    const a = pkce();
    const loginResponse = await page.goto(authorizeUrl('a', a.challenge), { timeout: navigationTimeout });
    expect(loginResponse?.status(), `the login page did not open: ${page.url()}`).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(/^\/login\//);
    await page.fill('input[name=pid]', pid);
    await page.click('#login-submit');
    const callbackA = await waitForPath(session, '/a/cb', 'login to rp-a');
    const codeA = callbackA.searchParams.get('code');
    expect(codeA, 'rp-a callback without a code').toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(callbackA.searchParams.get('state')).toBe('state-a');

    // SSO: the second client is answered straight away, without the login page.
    const b = pkce();
    const requestsBefore = session.requests.length;
    await page.goto(authorizeUrl('b', b.challenge), { timeout: navigationTimeout });
    const callbackB = await waitForPath(session, '/b/cb', 'SSO to rp-b');
    expect(callbackB.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(callbackB.searchParams.get('state')).toBe('state-b');
    expect(
      session.requests.slice(requestsBefore).filter((url) => new URL(url).pathname.startsWith('/login/')),
      'SSO to rp-b showed the login page',
    ).toEqual([]);

    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('rp-a', secretA) },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: codeA!, redirect_uri: `${rpOrigin}/a/cb`, code_verifier: a.verifier }).toString(),
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
    const params = new URLSearchParams({ id_token_hint: idTokenA, post_logout_redirect_uri: `${rpOrigin}/a/bye`, state: 'done' });
    const started = Date.now();
    // 'commit': the front-channel page navigates away by itself, possibly before its own load.
    const response = await session.page.goto(`${issuer}/logout?${params.toString()}`, { timeout: navigationTimeout, waitUntil: 'commit' });
    const bye = await waitForPath(session, '/a/bye', 'logout from rp-a');
    return { bye, elapsedMs: Date.now() - started, pageStatus: response?.status() };
  }

  const noCspViolations = (console: string[]) =>
    expect(
      console.filter((m) => /content.security.policy/i.test(m)),
      'Chromium reported Content-Security-Policy violations',
    ).toEqual([]);

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
        rp!.hangFrontchannelB = true;
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
        rp!.hangFrontchannelB = false;
        await session.close();
      }
    },
    slowRpTimeout,
  );
});
