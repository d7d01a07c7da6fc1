// The conformance kit (conformance/README.md, docs/traps.md): `npm run conformance:config` writes
// plan configurations whose clients load into the provider, whose browser automation names ids the
// pages really carry, and whose flow works as the suite runs it (no PKCE for its clients, a
// client_secret_basic code exchange, userinfo); the committed example is what the generator writes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeConformanceKit, type ConformanceOptions } from '../src/cli/conformance-config.js';
import { parseClientRecords } from '../src/registry/client-registry.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { basic, csrfOf } from './support/vocabulary.js';

const example: ConformanceOptions = {
  issuer: 'https://op.example.test',
  suite: 'https://www.certification.openid.net',
  alias: 'idporten-op',
  pid: '21879498012',
  secrets: { client: 'example-secret-1-run-npm-run-conformance-config-for-real-ones', client2: 'example-secret-2-run-npm-run-conformance-config-for-real-ones' },
};
const read = (dir: string, name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));

let provider: TestProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

describe('conformance kit', () => {
  it('conformance/example is what npm run conformance:config writes (with placeholder secrets)', () => {
    const out = mkdtempSync(join(tmpdir(), 'op-conformance-'));
    writeConformanceKit(example, out);
    const committed = join(process.cwd(), 'conformance', 'example');
    expect(readdirSync(committed).sort()).toEqual(readdirSync(out).sort());
    for (const file of readdirSync(out)) expect(read(committed, file), file).toEqual(read(out, file));
  });

  it('writes five plan configurations whose clients load as client records and match clients.json', () => {
    const out = mkdtempSync(join(tmpdir(), 'op-conformance-'));
    writeConformanceKit({ ...example, secrets: undefined } as ConformanceOptions, out);
    const records = read(out, 'clients.json') as { client_id: string; client_secret: string }[];
    expect(parseClientRecords(records, 'test').clients.map((c) => c.client_id)).toEqual(['conformance-client-1', 'conformance-client-2']);
    const plans = read(out, 'plans.json') as { plan: string; config: string }[];
    expect(plans.map((p) => p.plan)).toEqual([
      'oidcc-basic-certification-test-plan',
      'oidcc-config-certification-test-plan',
      'oidcc-formpost-basic-certification-test-plan',
      'oidcc-rp-initiated-logout-certification-test-plan',
      'oidcc-frontchannel-rp-initiated-logout-certification-test-plan',
    ]);
    for (const plan of plans) {
      const config = read(out, plan.config) as { server: { discoveryUrl: string }; client: { client_id: string; client_secret: string }; client2: { client_secret: string } };
      expect(config.server.discoveryUrl).toBe('https://op.example.test/.well-known/openid-configuration');
      expect(config.client.client_secret).toBe(records[0]!.client_secret);
      expect(config.client2.client_secret).toBe(records[1]!.client_secret);
    }
  });

  it('refuses an http issuer with a message naming --issuer', () => {
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    expect(() => execFileSync(tsx, ['src/cli.ts', 'conformance', 'config', '--issuer', 'http://op.example.test', '--out', mkdtempSync(join(tmpdir(), 'op-c-'))], { stdio: 'pipe' })).toThrow(
      /--issuer must be https/,
    );
  });

  it('AUTHZ-07 the suite flow works: no PKCE for its clients, TestID by the ids the automation uses, code at /token with client_secret_basic, userinfo', async () => {
    const records = (await import('../conformance/example/clients.json', { with: { type: 'json' } })).default;
    provider = await startTestProvider({ env: { OP_ISSUER: example.issuer }, clients: records });
    const config = read(join(process.cwd(), 'conformance', 'example'), 'oidcc-basic.json') as {
      client: { client_id: string; client_secret: string };
      browser: { tasks: { task: string; commands: (string | number)[][] }[] }[];
    };
    const ids = config.browser.flatMap((step) => step.tasks.flatMap((task) => task.commands.filter((c) => c[1] === 'id').map((c) => String(c[2]))));
    const callback = `${example.suite}/test/a/${example.alias}/callback`;
    const browser = new Browser(provider.app);
    const query = new URLSearchParams({ client_id: config.client.client_id, redirect_uri: callback, response_type: 'code', scope: 'openid profile', state: 'oidf', nonce: 'n-oidf' });
    const toLogin = await browser.get(`/authorize?${query}`);
    expect(toLogin.statusCode, toLogin.body).toBe(303);
    const loginUrl = String(toLogin.headers.location);
    const page = await browser.get(loginUrl);
    for (const id of ids.filter((id) => ['login-form', 'pid', 'login-submit'].includes(id))) expect(page.body, id).toContain(`id="${id}"`);
    const back = await browser.post(loginUrl, { csrf: csrfOf(page.body), action: 'login', pid: example.pid, acr: 'idporten-loa-substantial' });
    const code = new URL(String(back.headers.location)).searchParams.get('code')!;
    const tokens = await provider.app.inject({
      method: 'POST',
      url: '/token',
      headers: { authorization: basic(config.client.client_id, config.client.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback }).toString(),
    });
    expect(tokens.statusCode, tokens.body).toBe(200);
    const userinfo = await provider.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: `Bearer ${tokens.json<{ access_token: string }>().access_token}` } });
    expect(userinfo.json()).toMatchObject({ pid: example.pid });
    // The pages the other automation steps wait for carry their ids (docs/interface.md).
    expect((await browser.get('/authorize?client_id=nobody')).body).toContain('id="op-error"');
    expect((await new Browser(provider.app).get('/logout')).body).toContain('id="logged-out"');
    expect(ids).toEqual(expect.arrayContaining(['op-error', 'login-form', 'pid', 'login-submit', 'submission_complete']));
  });
});
