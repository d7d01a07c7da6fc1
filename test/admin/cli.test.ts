// npm run clients: the administration API from a shell (ADMIN-01), with a token from the JWT-bearer
// grant signed by a machine client's key; requests go through the app's HTTP surface.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/clients.js';
import type { TestProvider } from '../support/app.js';
import { injectFetch } from '../support/browser.js';
import { issuer } from '../support/vocabulary.js';
import { adminKey, startAdminProvider, webClientInput } from './support.js';

let provider: TestProvider;
const directory = mkdtempSync(join(tmpdir(), 'op-cli-'));
const keyFile = join(directory, 'key.pem');
const clientFile = join(directory, 'client.json');

beforeAll(async () => {
  provider = await startAdminProvider();
  writeFileSync(keyFile, adminKey.export({ format: 'pem', type: 'pkcs8' }));
  writeFileSync(clientFile, JSON.stringify(webClientInput({ client_name: 'From the CLI' })));
}, 30_000);
afterAll(async () => provider.close());

async function runAs(clientId: string, argv: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await main([...argv, '--issuer', issuer, '--client', clientId, '--key', keyFile, '--kid', `${clientId}-key`], injectFetch(provider.app) as never, (text) => (output += text));
  return { code, output };
}
const run = (...argv: string[]) => runAs('admin-all', argv);

describe('npm run clients', () => {
  it('ADMIN-01 ADMIN-03 ADMIN-06 ADMIN-08 create --file, list, rotate-secret and delete', async () => {
    const created = await run('create', '--file', clientFile);
    expect(created.code).toBe(0);
    const record = JSON.parse(created.output) as { client_id: string; client_secret: string; client_name: string };
    expect(record).toMatchObject({ client_name: 'From the CLI', client_secret: expect.any(String) });
    const listed = await run('list');
    expect((JSON.parse(listed.output) as { client_id: string }[]).map((c) => c.client_id)).toContain(record.client_id);
    const rotated = await run('rotate-secret', record.client_id);
    expect(JSON.parse(rotated.output)).toMatchObject({ client_id: record.client_id, client_secret: expect.not.stringMatching(record.client_secret) });
    expect(await run('delete', record.client_id)).toEqual({ code: 0, output: '204\n' });
    const gone = await run('get', record.client_id);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.output)).toMatchObject({ error: 'not_found' });
  });

  it('ADMIN-02 onbehalfof add, list, update and delete with a client that holds only idporten:dcr/onbehalfof:write (--scope)', async () => {
    const record = JSON.parse((await run('create', '--file', clientFile)).output) as { client_id: string };
    const obo = (...argv: string[]) => runAs('admin-onbehalfof', ['onbehalfof', ...argv, '--scope', 'idporten:dcr/onbehalfof:write']);
    const added = await obo('add', record.client_id, '--id', 'kommune-a', '--name', 'Kommune A', '--orgno', '974760673');
    expect(added.code, added.output).toBe(0);
    expect(JSON.parse(added.output)).toEqual({ onbehalfof: 'kommune-a', name: 'Kommune A', orgno: '974760673' });
    const updated = await obo('update', record.client_id, 'kommune-a', '--name', 'Kommune A2', '--orgno', '974760673', '--description', 'Renamed');
    expect(JSON.parse(updated.output)).toEqual({ onbehalfof: 'kommune-a', name: 'Kommune A2', orgno: '974760673', description: 'Renamed' });
    expect(JSON.parse((await obo('list', record.client_id)).output)).toEqual([{ onbehalfof: 'kommune-a', name: 'Kommune A2', orgno: '974760673', description: 'Renamed' }]);
    expect(await obo('delete', record.client_id, 'kommune-a')).toEqual({ code: 0, output: '204\n' });
    expect(JSON.parse((await obo('list', record.client_id)).output)).toEqual([]);
    // The scope edits that list only: the client itself is out of its reach.
    const refused = await runAs('admin-onbehalfof', ['get', record.client_id, '--scope', 'idporten:dcr/onbehalfof:write']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.output)).toMatchObject({ error: 'insufficient_scope' });
  });
});
