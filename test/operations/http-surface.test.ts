// Small findings from outside (issue: PUT /login/<id> answered 404, not 405; allowlisted query
// values were logged in full; a caller-chosen X-Request-Id became the log id).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { authorizeQuery } from '../support/token-flow.js';
import { spa } from '../support/vocabulary.js';

class Capture extends Writable {
  lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

let provider: TestProvider;
const capture = new Capture();
beforeAll(async () => {
  provider = await startTestProvider({ env: { OP_LOG_LEVEL: 'info' }, logStream: capture });
});
afterAll(async () => provider.close());

const completed = (requestId: unknown) => capture.lines.find((line) => line.msg === 'request completed' && line.reqId === requestId);

describe('HTTP surface', () => {
  it('ERR-04 answers a wrong method on a route with a path parameter (PUT /login/<id>) with 405 and Allow', async () => {
    const browser = new Browser(provider.app);
    const start = await browser.get(`/authorize?${authorizeQuery(spa, 'v'.repeat(43))}`);
    const loginPath = String(start.headers.location);
    for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
      const response = await provider.app.inject({ method, url: loginPath });
      expect(response.statusCode, `${method} ${response.body}`).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD, POST');
      expect(response.json()).toMatchObject({ error: 'method_not_allowed' });
    }
    // A path that no route matches stays 404.
    expect((await provider.app.inject({ method: 'PUT', url: '/login/a/b' })).statusCode).toBe(404);
  });

  it('ERR-06 logs at most 100 characters of an allowlisted query value, and a bounded path', async () => {
    const long = 'x'.repeat(5000);
    const response = await provider.app.inject({ method: 'GET', url: `/authorize?client_id=${long}&scope=openid` });
    await new Promise((resolve) => setImmediate(resolve));
    const line = completed(response.headers['x-request-id']);
    const url = (line?.req as { url: string }).url;
    expect(url).toContain(`client_id=${'x'.repeat(100)}...`);
    expect(url).not.toContain('x'.repeat(101));
    const path = await provider.app.inject({ method: 'GET', url: `/${'p'.repeat(3000)}` });
    await new Promise((resolve) => setImmediate(resolve));
    expect(((completed(path.headers['x-request-id'])?.req as { url: string }).url).length).toBeLessThanOrEqual(600);
  });

  it('ERR-06 uses its own request id and logs a well-formed X-Request-Id of the caller beside it', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-trace-0001' } });
    const own = response.headers['x-request-id'];
    expect(own).toMatch(/^[A-Za-z0-9_-]{16}$/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(completed(own)).toMatchObject({ caller_request_id: 'lb-trace-0001' });
    expect(capture.lines.some((line) => line.reqId === 'lb-trace-0001')).toBe(false);
    // A malformed one is not logged at all.
    const bad = await provider.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id <script>' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(completed(bad.headers['x-request-id'])).not.toHaveProperty('caller_request_id');
  });
});
