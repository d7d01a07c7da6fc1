// The scope owners' part of the administration API (CLIENT-16, ADMIN-02): scopes of an own prefix,
// created and changed through HTTP on real Redis, granted to other organisations and taken back;
// every client and token rule consults the live scope registry at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestProvider } from '../support/app.js';
import { adminToken, api, eventually, machineClientInput, orgno, otherOrgno, startAdminProvider } from './support.js';
import { uniquePrefix } from '../support/redis.js';

const scopesPath = '/api/v1/scopes';
let provider: TestProvider;
let owner: string;
let stranger: string;

const scope = (subscope: string, extra: Record<string, unknown> = {}) => ({
  name: `acme:${subscope}`,
  prefix: 'acme',
  subscope,
  description: `ACME ${subscope}`,
  allowed_integration_types: ['maskinporten'],
  ...extra,
});

beforeAll(async () => {
  provider = await startAdminProvider();
  owner = await adminToken(provider.app, 'admin-scopes', 'idporten:scopes.write');
  stranger = await adminToken(provider.app, 'admin-scopes-other', 'idporten:scopes.write');
}, 30_000);
afterAll(async () => provider.close());

describe('CLIENT-16 scopes through the administration API', () => {
  it('CLIENT-16 ADMIN-02 an owner creates, lists, reads and replaces a scope of its prefix; owner_orgno is the caller', async () => {
    const created = await api(provider.app, owner, 'POST', scopesPath, scope('read'));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'acme:read', owner_orgno: orgno, active: true, consumer_orgnos: [] });
    expect((await api(provider.app, owner, 'GET', scopesPath)).json<{ name: string }[]>().map((s) => s.name)).toContain('acme:read');
    expect((await api(provider.app, owner, 'GET', `${scopesPath}/${encodeURIComponent('acme:read')}`)).json()).toMatchObject({ description: 'ACME read' });
    const put = await api(provider.app, owner, 'PUT', `${scopesPath}/acme:read`, scope('read', { description: 'Read ACME data', at_max_age: 60 }));
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ description: 'Read ACME data', at_max_age: 60 });
    const rename = await api(provider.app, owner, 'PUT', `${scopesPath}/acme:read`, scope('other'));
    expect(rename.statusCode).toBe(400);
    expect(rename.json()).toMatchObject({ error: 'invalid_scope', error_description: expect.stringContaining('name') });
  });

  it("CLIENT-16 ADMIN-02 another organisation's scope is 404; its prefix is 403; without idporten:scopes.write 403; a bad field a named 400", async () => {
    await api(provider.app, owner, 'POST', scopesPath, scope('write'));
    expect((await api(provider.app, stranger, 'GET', `${scopesPath}/acme:write`)).statusCode).toBe(404);
    expect((await api(provider.app, stranger, 'PUT', `${scopesPath}/acme:write`, scope('write'))).statusCode).toBe(404);
    const squat = await api(provider.app, stranger, 'POST', scopesPath, scope('squat'));
    expect(squat.statusCode).toBe(403);
    expect(squat.json<{ error_description: string }>().error_description).toContain('prefix');
    const builtIn = await api(provider.app, stranger, 'POST', scopesPath, { ...scope('x'), name: 'idporten:x', prefix: 'idporten' });
    expect(builtIn.statusCode).toBe(403);
    const reader = await adminToken(provider.app, 'admin-reader', 'idporten:dcr.read');
    expect((await api(provider.app, reader, 'GET', scopesPath)).json()).toMatchObject({ error: 'insufficient_scope' });
    const bad = await api(provider.app, owner, 'POST', scopesPath, scope('bad', { token_type: 'JWE' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_scope', error_description: expect.stringContaining('token_type') });
    expect((await api(provider.app, owner, 'POST', scopesPath, scope('write'))).json<{ error_description: string }>().error_description).toContain('already exists');
    expect((await api(provider.app, owner, 'POST', scopesPath, scope('o', { owner_orgno: otherOrgno }))).statusCode).toBe(403);
  });

  it('CLIENT-16 access granted to an organisation lets its clients hold the scope; taking it back refuses the scope at the next token', async () => {
    await api(provider.app, owner, 'POST', scopesPath, scope('data'));
    const consumer = await adminToken(provider.app, 'admin-other');
    const refused = await api(provider.app, consumer, 'POST', '/api/v1/clients', machineClientInput('scopes-consumer', { scopes: ['acme:data'] }, false));
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error_description: string }>().error_description).toContain('scopes[0]');
    const granted = await api(provider.app, owner, 'PUT', `${scopesPath}/access/acme:data/${otherOrgno}`);
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toMatchObject({ consumer_orgnos: [otherOrgno] });
    const made = await api(provider.app, consumer, 'POST', '/api/v1/clients', machineClientInput('scopes-consumer', { scopes: ['acme:data'] }, false));
    expect(made.statusCode, made.body).toBe(201);
    const clientId = made.json<{ client_id: string }>().client_id;
    await expect(adminToken(provider.app, clientId, 'acme:data', 'scopes-consumer')).resolves.toBeTruthy();
    expect((await api(provider.app, owner, 'DELETE', `${scopesPath}/access/acme:data/${otherOrgno}`)).statusCode).toBe(204);
    await expect(adminToken(provider.app, clientId, 'acme:data', 'scopes-consumer')).rejects.toThrow(/invalid_scope/);
    expect((await api(provider.app, owner, 'PUT', `${scopesPath}/access/acme:data/123456789`)).json<{ error_description: string }>().error_description).toContain('consumer_orgno');
  });

  it('CLIENT-16 DISC-04 a scope open to all appears in discovery; an inactive one is unknown', async () => {
    await api(provider.app, owner, 'POST', scopesPath, scope('open', { accessible_for_all: true }));
    const discovery = await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(discovery.json<{ scopes_supported: string[] }>().scopes_supported).toContain('acme:open');
    await api(provider.app, owner, 'PUT', `${scopesPath}/acme:open`, scope('open', { accessible_for_all: true, active: false }));
    const after = await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(after.json<{ scopes_supported: string[] }>().scopes_supported).not.toContain('acme:open');
  });
});

describe('CLIENT-16 CLIENT-17 scopes on two instances', () => {
  it('CLIENT-16 a scope created at A can be held by a client created at B within one second', async () => {
    const prefix = uniquePrefix('scopes');
    const a = await startAdminProvider({ prefix });
    const b = await startAdminProvider({ prefix });
    try {
      await api(a.app, await adminToken(a.app, 'admin-scopes', 'idporten:scopes.write'), 'POST', scopesPath, scope('shared', { accessible_for_all: true }));
      const tokenB = await adminToken(b.app);
      expect(
        await eventually(async () => (await api(b.app, tokenB, 'POST', '/api/v1/clients', machineClientInput(`shared-${Date.now()}`, { scopes: ['acme:shared'] }))).statusCode === 201),
      ).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
