// The README's machine-client example really authenticates (TOKEN-21, TOKEN-08): the certs:issue
// script writes a test business certificate, the provider runs with the demo scopes and machine
// client of fixtures/demo, and the token:jwt-bearer script's assertion gets a token.
import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { x5cOf } from '../../scripts/business-certificates.js';
import { grantAssertion, requestMachineToken } from '../../scripts/jwt-bearer-token.js';
import { startTestProvider } from '../support/app.js';
import { injectFetch } from '../support/browser.js';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

describe('the README machine-client example', () => {
  it('TOKEN-21 TOKEN-08 certs:issue writes cert.pem, key.pem and chain.pem, and a grant signed with them gets a token for demo-machine', async () => {
    const out = mkdtempSync(join(tmpdir(), 'op-demo-cert-'));
    await promisify(execFile)(tsx, ['scripts/certs-issue.ts', '--orgno', '991825827', '--out', out]);
    expect(statSync(join(out, 'key.pem')).mode & 0o077).toBe(0);
    const chain = readFileSync(join(out, 'chain.pem'), 'utf8');
    expect(x5cOf(chain)).toHaveLength(2);
    expect(readFileSync(join(out, 'cert.pem'), 'utf8')).toBe(chain.slice(0, readFileSync(join(out, 'cert.pem'), 'utf8').length));

    const provider = await startTestProvider({ env: { OP_SCOPES_FILE: 'fixtures/demo/scopes.json', OP_CLIENTS_FILE: 'fixtures/demo/machine-clients.json' } });
    try {
      const issuer = provider.context.config.issuer;
      const assertion = await grantAssertion({ issuer, clientId: 'demo-machine', scope: 'demo:read', key: createPrivateKey(readFileSync(join(out, 'key.pem'), 'utf8')), header: { x5c: x5cOf(chain) } });
      const { status, body } = await requestMachineToken(issuer, assertion, injectFetch(provider.app) as unknown as typeof fetch);
      expect(status).toBe(200);
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'demo:read', expires_in: 120 });
      expect(decodeJwt((body as { access_token: string }).access_token)).toMatchObject({ client_id: 'demo-machine', client_amr: 'virksomhetssertifikat', consumer: { ID: '0192:991825827' } });
    } finally {
      await provider.close();
    }
  }, 30_000);

  it('certs:issue refuses an organisation number with a wrong check digit', async () => {
    const error = await promisify(execFile)(tsx, ['scripts/certs-issue.ts', '--orgno', '991825828', '--out', tmpdir()]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain('valid mod-11 check digit');
  }, 30_000);
});
