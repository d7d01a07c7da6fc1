import { Writable } from 'node:stream';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthError } from '../src/errors.js';
import { redactSecrets, redactUrl } from '../src/http/logging.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { pid } from './support/vocabulary.js';

class Capture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

describe('logging', () => {
  let provider: TestProvider;
  const capture = new Capture();
  beforeAll(async () => {
    provider = await startTestProvider({ env: { OP_LOG_LEVEL: 'info' }, logStream: capture });
    provider.app.post('/probe/refuse', async (request) => {
      request.clientId = 'demo-web';
      throw new OAuthError('invalid_grant', 'The code is invalid', { detail: 'code reused' });
    });
  });
  afterAll(async () => provider.close());

  it('ERR-06 never logs secrets, tokens, cookies, Authorization headers or identity numbers', async () => {
    const secrets = [pid, 'Basic ZGVtby13ZWI6c2VjcmV0', 'sess-cookie-value-123', 'the-auth-code-xyz', 'eyJhbGciOiJSUzI1NiJ9.payload.sig', 'refresh-abc-123'];
    await provider.app.inject({
      method: 'POST',
      url: `/probe/refuse?code=the-auth-code-xyz&id_token_hint=eyJhbGciOiJSUzI1NiJ9.payload.sig&login_hint=${pid}&client_id=demo-web`,
      headers: { authorization: 'Basic ZGVtby13ZWI6c2VjcmV0', cookie: 'op_session=sess-cookie-value-123', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `refresh_token=refresh-abc-123&pid=${pid}`,
    });
    const text = capture.lines.join('\n');
    expect(text).toContain('request refused');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('ERR-06 logs each refusal with the request id, the client and the endpoint', async () => {
    capture.lines = [];
    const response = await provider.app.inject({ method: 'POST', url: '/probe/refuse' });
    const refused = capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'request refused');
    expect(refused).toMatchObject({ reqId: response.headers['x-request-id'], client_id: 'demo-web', endpoint: '/probe/refuse', error: 'invalid_grant', detail: 'code reused' });
    expect(capture.lines.every((line) => (JSON.parse(line) as { reqId?: string }).reqId === response.headers['x-request-id'])).toBe(true);
  });

  it('ERR-06 redacts secret fields at the top level, in nested objects and in arrays, without touching the original', () => {
    const logged = {
      pid,
      client_id: 'demo-web',
      body: { code: 'the-auth-code', grant_type: 'authorization_code', Refresh_Token: 'rt' },
      req: { method: 'POST', headers: { authorization: 'Basic x', cookie: 'c=1', 'user-agent': 'ua' } },
      list: [{ access_token: 'at', kind: 'a' }],
      nothing: undefined,
    };
    expect(redactSecrets(logged)).toEqual({
      pid: '[redacted]',
      client_id: 'demo-web',
      body: { code: '[redacted]', grant_type: 'authorization_code', Refresh_Token: '[redacted]' },
      req: { method: 'POST', headers: { authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'ua' } },
      list: [{ access_token: '[redacted]', kind: 'a' }],
      nothing: undefined,
    });
    expect(logged.body.code).toBe('the-auth-code');
    expect(logged.req.headers.authorization).toBe('Basic x');
    const harmless = { status: 200, req: { method: 'GET' } };
    expect(redactSecrets(harmless)).toBe(harmless);
  });

  it('ERR-06 a secret handed to the logger in a nested object never reaches the log line', async () => {
    capture.lines = [];
    provider.app.log.warn({ body: { client_secret: 'very-secret-value', assertion: 'eyJ.assert.ion' }, token: 'tok-123' }, 'probe');
    await new Promise((resolve) => setImmediate(resolve));
    const line = capture.lines.find((entry) => entry.includes('"probe"'));
    expect(line).toBeDefined();
    for (const secret of ['very-secret-value', 'eyJ.assert.ion', 'tok-123']) expect(line).not.toContain(secret);
  });

  it('redacts every query value that is not known to be harmless', () => {
    expect(redactUrl('/authorize?client_id=a&state=s3&code_challenge=abc&scope=openid%20profile')).toBe(
      '/authorize?client_id=a&state=[redacted]&code_challenge=[redacted]&scope=openid%20profile',
    );
    expect(redactUrl('/jwks.json')).toBe('/jwks.json');
  });
});

describe('log output', () => {
  it("ERR-06 goes through pino's asynchronous destination: lines in order, all of them written once flushed", async () => {
    const { logDestination } = await import('../src/http/log-stream.js');
    const path = join(mkdtempSync(join(tmpdir(), 'op-log-')), 'out.log');
    const fd = openSync(path, 'a');
    const stream = logDestination(fd) as NodeJS.WritableStream & { once(event: string, listener: () => void): void };
    await new Promise<void>((resolve) => stream.once('ready', resolve));
    for (let i = 0; i < 1000; i++) stream.write(`line ${i}\n`);
    // Ending flushes what is pending (as pino's exit hook does), in order.
    const closed = new Promise<void>((resolve) => stream.once('close', resolve));
    stream.end();
    await closed;
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines[999]).toBe('line 999');
    expect(lines.every((line, i) => line === `line ${i}`)).toBe(true);
  });

  it('ERR-06 a lone line is written within the flush interval, without waiting for a full batch', async () => {
    const { logDestination, logFlushMs } = await import('../src/http/log-stream.js');
    const path = join(mkdtempSync(join(tmpdir(), 'op-log-')), 'out.log');
    const fd = openSync(path, 'a');
    const stream = logDestination(fd) as NodeJS.WritableStream & { once(event: string, listener: () => void): void };
    await new Promise<void>((resolve) => stream.once('ready', resolve));
    stream.write('one line\n');
    let written = '';
    for (let waited = 0; waited < 20 * logFlushMs && written === ''; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      written = readFileSync(path, 'utf8');
    }
    expect(written).toBe('one line\n');
    const closed = new Promise<void>((resolve) => stream.once('close', resolve));
    stream.end();
    await closed;
  });

  it('ERR-06 building many apps in one process adds no exit listener per app (no MaxListenersExceededWarning)', async () => {
    const { startTestProvider } = await import('./support/app.js');
    const before = process.listenerCount('exit');
    const providers = await Promise.all(Array.from({ length: 12 }, () => startTestProvider({ store: 'memory' })));
    expect(process.listenerCount('exit') - before).toBeLessThanOrEqual(1);
    await Promise.all(providers.map((provider) => provider.close()));
  });
});
