// Failures of an authorization request after its redirect_uri is validated (ERR-02) go back to
// the client, and every refused authorization is logged (ERR-06). Internal failures are made
// with a store that breaks on purpose.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { keySpace } from '../src/store/keys.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { StoreUnavailableError, type Json, type WriteOp } from '../src/store/store.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { ssoFlow } from './support/sso-flow.js';
import { byId, demoTestClients, issuer, type TokenResponse } from './support/vocabulary.js';

class Capture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** An embedded store that fails the operations a test picks, as a broken store would. */
class BreakingStore extends MemoryStore {
  failReads: (key: string) => Error | undefined = () => undefined;
  failWrites: (ops: readonly WriteOp[]) => Error | undefined = () => undefined;
  override async get<T extends Json>(key: string): Promise<T | null> {
    const error = this.failReads(key);
    if (error) throw error;
    return super.get<T>(key);
  }
  override async write(ops: readonly WriteOp[]): Promise<void> {
    const error = this.failWrites(ops);
    if (error) throw error;
    return super.write(ops);
  }
}

let provider: TestProvider;
let capture: Capture;
let store: BreakingStore;

async function start(): Promise<void> {
  capture = new Capture();
  store = new BreakingStore(keySpace('err:').usedMarker);
  provider = await startTestProvider({ store, env: { OP_LOG_LEVEL: 'info' }, logStream: capture });
}
afterEach(async () => provider.close());

const flow = ssoFlow<TokenResponse>({
  provider: () => provider,
  registered: byId(demoTestClients),
  verifier: 'authorization-failures-verifier-0123456789-abcdefgh',
  checkLoginPage: false,
  tokens: (body) => body,
});

/** The refusal lines the provider logged (ERR-06). */
const refusals = () => capture.entries().filter((entry) => entry.msg === 'authorization request refused');

describe('ERR-02: after redirect_uri is validated, failures go back to the client', () => {
  it('ERR-02 an internal failure while reading the session is redirected as server_error with state and iss', async () => {
    await start();
    store.failReads = (key) => (key.includes('{s:') ? new Error('disk on fire') : undefined);
    const browser = new Browser(provider.app);
    browser.cookies.set('op_sso', { value: 'a-session-cookie-0123456789', path: '/' });
    const url = flow.authorizeUrl('demo-web');
    const query = flow.callbackParams(await browser.get(url), 'demo-web');
    expect(query.get('error')).toBe('server_error');
    expect(query.get('error_description')).toBe('An unexpected error occurred');
    expect(query.get('state')).toBe(new URLSearchParams(url.split('?')[1]).get('state'));
    expect(query.get('iss')).toBe(issuer);
    // The cause is in the log, never in the redirect.
    expect(capture.lines.join('\n')).toContain('disk on fire');
  });

  it('ERR-02 a store that cannot be reached is redirected as temporarily_unavailable', async () => {
    await start();
    store.failReads = (key) => (key.includes('{s:') ? new StoreUnavailableError('Redis is gone') : undefined);
    const browser = new Browser(provider.app);
    browser.cookies.set('op_sso', { value: 'a-session-cookie-0123456789', path: '/' });
    const query = flow.callbackParams(await browser.get(flow.authorizeUrl('demo-web')), 'demo-web');
    expect(query.get('error')).toBe('temporarily_unavailable');
    expect(query.get('iss')).toBe(issuer);
  });

  it('ERR-02 an internal failure while saving the login is redirected as server_error, not a 500 page', async () => {
    await start();
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await flow.openLoginPage(browser, flow.authorizeUrl('demo-web'));
    store.failWrites = (ops) => (ops.some((op) => op.key.includes('{s:')) ? new Error('write refused') : undefined);
    const response = await flow.postLogin(browser, loginUrl, csrf);
    const query = flow.callbackParams(response, 'demo-web');
    expect(query.get('error')).toBe('server_error');
    expect(query.get('iss')).toBe(issuer);
    expect(query.get('code')).toBeNull();
  });
});

describe('ERR-06: every refused authorization is logged', () => {
  it('ERR-06 a prompt=none refusal is logged with the error, the client and the endpoint', async () => {
    await start();
    const response = await new Browser(provider.app).get(flow.authorizeUrl('demo-web', { prompt: 'none' }));
    expect(flow.callbackParams(response, 'demo-web').get('error')).toBe('login_required');
    expect(refusals()).toEqual([expect.objectContaining({ error: 'login_required', client_id: 'demo-web', endpoint: '/authorize', reqId: response.headers['x-request-id'] })]);
  });

  it('ERR-06 temporarily_unavailable and server_error answers are logged as refusals too', async () => {
    await start();
    store.failReads = (key) => (key.includes('{s:') ? new StoreUnavailableError('Redis is gone') : undefined);
    const browser = new Browser(provider.app);
    browser.cookies.set('op_sso', { value: 'a-session-cookie-0123456789', path: '/' });
    await browser.get(flow.authorizeUrl('demo-web'));
    store.failReads = (key) => (key.includes('{s:') ? new Error('boom') : undefined);
    await browser.get(flow.authorizeUrl('demo-web'));
    expect(refusals().map((entry) => entry.error)).toEqual(['temporarily_unavailable', 'server_error']);
  });

  it('ERR-06 a cancelled login (access_denied) is logged', async () => {
    await start();
    const browser = new Browser(provider.app);
    const { loginUrl, csrf } = await flow.openLoginPage(browser, flow.authorizeUrl('demo-web'));
    const response = await browser.post(loginUrl, { csrf, action: 'cancel' });
    expect(flow.callbackParams(response, 'demo-web').get('error')).toBe('access_denied');
    expect(refusals()).toEqual([expect.objectContaining({ error: 'access_denied', client_id: 'demo-web', endpoint: '/authorize' })]);
  });

  it('ERR-06 a refusal log line carries no token, secret or identity number', async () => {
    await start();
    await new Browser(provider.app).get(flow.authorizeUrl('demo-web', { prompt: 'none', login_hint: '21879498012' }));
    expect(refusals()).toHaveLength(1);
    expect(capture.lines.join('\n')).not.toContain('21879498012');
  });
});
