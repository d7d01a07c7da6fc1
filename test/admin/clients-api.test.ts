// The administration API through HTTP on real Redis (ADMIN-01…08, CLIENT-01, CLIENT-02, CLIENT-06,
// CLIENT-07, CLIENT-17): callers are machine clients of the clients file with tokens from the
// JWT-bearer grant; the clients they make are used at once with openid-client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { TestProvider } from '../support/app.js';
import { testRedisUrl } from '../support/redis.js';
import { basic } from '../support/vocabulary.js';
import { adminToken, api, codeFlowWithOpenIdClient, introspector, machineClientInput, orgno, otherOrgno, publicJwk, startAdminProvider, webClientInput } from './support.js';

const clients = '/api/v1/clients';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let provider: TestProvider;
let token: string;
const auditFile = join(mkdtempSync(join(tmpdir(), 'op-admin-')), 'audit.log');

beforeAll(async () => {
  provider = await startAdminProvider({
    env: { OP_AUDIT_LOG: auditFile },
    scopes: [{ name: 'acme:api', prefix: 'acme', subscope: 'api', description: 'ACME API', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true, enforced_aud_for_introspection: ['file-introspector'] }],
  });
  token = await adminToken(provider.app);
}, 30_000);
afterAll(async () => provider.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, as = token) => api(provider.app, as, method, url, body);

async function createWeb(extra: Record<string, unknown> = {}) {
  const response = await call('POST', clients, webClientInput(extra));
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ client_id: string; client_secret: string; client_secret_expires_at: number } & Record<string, unknown>>();
}

const tokenRequest = (clientId: string, secret: string, form: Record<string, string>) =>
  provider.app.inject({
    method: 'POST',
    url: '/token',
    headers: { authorization: basic(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });

describe('ADMIN-01 the resources', () => {
  it('ADMIN-01 POST, GET (an array), GET one, PUT, POST secret, GET and POST jwks, DELETE', async () => {
    const created = await createWeb();
    const one = `${clients}/${created.client_id}`;
    const list = await call('GET', clients);
    expect(list.statusCode).toBe(200);
    expect(Array.isArray(list.json())).toBe(true);
    expect(list.json<{ client_id: string }[]>().map((c) => c.client_id)).toContain(created.client_id);
    expect((await call('GET', one)).json()).toMatchObject({ client_id: created.client_id, client_name: 'API web client' });
    const put = await call('PUT', one, webClientInput({ client_name: 'Renamed' }));
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ client_name: 'Renamed' });
    const rotated = await call('POST', `${one}/secret`);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json()).toMatchObject({ client_id: created.client_id, client_secret: expect.any(String) });
    const machine = await call('POST', clients, machineClientInput('admin01-k1'));
    expect(machine.statusCode, machine.body).toBe(201);
    const keysUrl = `${clients}/${machine.json<{ client_id: string }>().client_id}/jwks`;
    expect((await call('GET', keysUrl)).json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid)).toEqual(['admin01-k1']);
    const replaced = await call('POST', keysUrl, { keys: [publicJwk('admin01-k2', true), publicJwk('admin01-k3', true)] });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid)).toEqual(['admin01-k2', 'admin01-k3']);
    const deleted = await call('DELETE', one);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await call('GET', one)).statusCode).toBe(404);
  });

  it('ADMIN-01 every change is an audit event with the caller, never a secret', async () => {
    const created = await createWeb();
    await call('POST', `${clients}/${created.client_id}/secret`);
    await call('PUT', `${clients}/${created.client_id}`, webClientInput());
    await call('DELETE', `${clients}/${created.client_id}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const lines = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>)
      .filter((line) => line.client_id === created.client_id);
    expect(lines.map((line) => line.event)).toEqual(['client_created', 'client_secret_rotated', 'client_updated', 'client_deleted']);
    for (const line of lines) expect(line).toMatchObject({ caller_client_id: 'admin-all', caller_orgno: orgno, time: expect.any(String), request_id: expect.any(String) });
    expect(readFileSync(auditFile, 'utf8')).not.toContain(created.client_secret);
  });
});

describe('ADMIN-02 bearer tokens, scopes and organisations', () => {
  it('ADMIN-02 no token is 401 invalid_token; a token that is not ours is 401', async () => {
    const none = await api(provider.app, undefined, 'GET', clients);
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: 'invalid_token' });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    const forged = await call('GET', clients, undefined, 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln');
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('ADMIN-02 each call needs its scope: 403 insufficient_scope naming it', async () => {
    const reader = await adminToken(provider.app, 'admin-reader', 'idporten:dcr.read');
    expect((await call('GET', clients, undefined, reader)).statusCode).toBe(200);
    const create = await call('POST', clients, webClientInput(), reader);
    expect(create.statusCode).toBe(403);
    expect(create.json()).toMatchObject({ error: 'insufficient_scope', error_description: expect.stringContaining('idporten:dcr.write') });
    const created = await createWeb();
    for (const [method, url] of [
      ['PUT', `${clients}/${created.client_id}`],
      ['DELETE', `${clients}/${created.client_id}`],
      ['POST', `${clients}/${created.client_id}/secret`],
      ['POST', `${clients}/${created.client_id}/jwks`],
    ] as const) {
      const refused = await call(method, url, method === 'DELETE' || url.endsWith('/secret') ? undefined : webClientInput(), reader);
      expect(refused.statusCode, `${method} ${url}`).toBe(403);
      expect(refused.json()).toMatchObject({ error: 'insufficient_scope', error_description: expect.stringContaining('idporten:dcr.modify') });
    }
    const writeOnly = await adminToken(provider.app, 'admin-all', 'idporten:dcr.write');
    expect((await call('GET', clients, undefined, writeOnly)).json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it("ADMIN-02 another organisation's client is 404 for every call, and never listed", async () => {
    const created = await createWeb();
    const other = await adminToken(provider.app, 'admin-other');
    for (const [method, url] of [
      ['GET', `${clients}/${created.client_id}`],
      ['PUT', `${clients}/${created.client_id}`],
      ['DELETE', `${clients}/${created.client_id}`],
      ['POST', `${clients}/${created.client_id}/secret`],
      ['GET', `${clients}/${created.client_id}/jwks`],
    ] as const) {
      expect((await call(method, url, method === 'PUT' ? webClientInput() : undefined, other)).statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await call('GET', clients, undefined, other)).json<{ client_id: string }[]>().map((c) => c.client_id)).not.toContain(created.client_id);
    // Unknown ids look the same.
    expect((await call('GET', `${clients}/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
  });

  it("ADMIN-02 client_orgno may be omitted (the caller's); any other value is 403 and nothing is made", async () => {
    const before = (await call('GET', clients)).json<unknown[]>().length;
    expect((await createWeb()).client_orgno).toBe(orgno);
    const refused = await call('POST', clients, webClientInput({ client_orgno: otherOrgno }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error_description: string }>().error_description).toContain('client_orgno');
    expect((await call('GET', clients)).json<unknown[]>().length).toBe(before + 1);
  });

  it('ADMIN-02 with idporten:dcr.supplier a caller also sees and changes the clients it supplies', async () => {
    const supplied = await createWeb({ supplier_orgno: otherOrgno });
    const supplier = await adminToken(provider.app, 'admin-supplier', 'idporten:dcr.read idporten:dcr.modify idporten:dcr.supplier');
    expect((await call('GET', clients, undefined, supplier)).json<{ client_id: string }[]>().map((c) => c.client_id)).toContain(supplied.client_id);
    expect((await call('PUT', `${clients}/${supplied.client_id}`, webClientInput({ supplier_orgno: otherOrgno, client_name: 'By supplier' }), supplier)).statusCode).toBe(200);
    // Without the .supplier scope the same organisation sees nothing of it.
    const plain = await adminToken(provider.app, 'admin-supplier', 'idporten:dcr.read');
    expect((await call('GET', `${clients}/${supplied.client_id}`, undefined, plain)).statusCode).toBe(404);
  });

  it('ADMIN-02 CLIENT-17 the token of a deleted caller stops working at once', async () => {
    const machine = await call('POST', clients, machineClientInput('admin02-caller', { scopes: ['idporten:dcr.read'] }, false));
    expect(machine.statusCode, machine.body).toBe(201);
    const created = machine.json<{ client_id: string }>();
    const itsToken = await adminToken(provider.app, created.client_id, 'idporten:dcr.read', 'admin02-caller');
    expect((await call('GET', clients, undefined, itsToken)).statusCode).toBe(200);
    expect((await call('DELETE', `${clients}/${created.client_id}`)).statusCode).toBe(204);
    const after = await call('GET', clients, undefined, itsToken);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: 'invalid_token' });
  });
});

describe('ADMIN-03 CLIENT-06 create and secrets', () => {
  it('ADMIN-03 CLIENT-06 create assigns a UUID and a 256-bit secret, shown only in that answer; the secret works at /token', async () => {
    const created = await createWeb();
    expect(created.client_id).toMatch(uuid);
    expect(created.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const read = await call('GET', `${clients}/${created.client_id}`);
    expect(read.body).not.toContain(created.client_secret);
    expect(read.json()).not.toHaveProperty('client_secret');
    expect(read.json()).not.toHaveProperty('client_secret_hash');
    expect((await call('GET', clients)).body).not.toContain(created.client_secret);
    const { tokens } = await codeFlowWithOpenIdClient(provider.app, created.client_id, created.client_secret);
    expect(tokens.claims()).toMatchObject({ aud: created.client_id });
  });

  it('CLIENT-06 the store keeps only a hash of the secret', async () => {
    const created = await createWeb();
    const redis = new Redis(testRedisUrl);
    try {
      const stored = await redis.hget(`${provider.prefix}{clients}:records`, created.client_id);
      expect(stored).toBeTruthy();
      expect(stored).not.toContain(created.client_secret);
      expect(JSON.parse(stored!)).toHaveProperty('client_secret_hash');
    } finally {
      redis.disconnect();
    }
  });

  it('CLIENT-06 a secret expires after at most 360 days, or the configured OP_CLIENT_SECRET_MAX_LIFETIME_DAYS', async () => {
    const created = await createWeb();
    const now = Math.floor(Date.now() / 1000);
    expect(created.client_secret_expires_at).toBeGreaterThan(now + 359 * 86_400);
    expect(created.client_secret_expires_at).toBeLessThanOrEqual(now + 360 * 86_400 + 5);
    const short = await startAdminProvider({ env: { OP_CLIENT_SECRET_MAX_LIFETIME_DAYS: '30' } });
    try {
      const made = await api(short.app, await adminToken(short.app), 'POST', clients, webClientInput());
      expect(made.json<{ client_secret_expires_at: number }>().client_secret_expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 86_400 + 5);
    } finally {
      await short.close();
    }
  });

  it('CLIENT-06 an expired secret is refused at /token', async () => {
    let now = Date.now();
    const timed = await startAdminProvider({ clock: () => now, env: { OP_CLIENT_SECRET_MAX_LIFETIME_DAYS: '1' } });
    try {
      const made = (await api(timed.app, await adminToken(timed.app), 'POST', clients, webClientInput())).json<{ client_id: string; client_secret: string }>();
      const attempt = () =>
        timed.app.inject({
          method: 'POST',
          url: '/token',
          headers: { authorization: basic(made.client_id, made.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'grant_type=authorization_code&code=x&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&code_verifier=' + 'v'.repeat(43),
        });
      expect((await attempt()).json()).toMatchObject({ error: 'invalid_grant' });
      now += 86_400_000 + 1000;
      expect((await attempt()).json()).toMatchObject({ error: 'invalid_client' });
    } finally {
      await timed.close();
    }
  });

  it('CLIENT-06 ADMIN-03 a caller cannot choose the secret or the client_id', async () => {
    for (const [field, value] of [
      ['client_secret', 'chosen-secret-0123456789-0123456789-0123'],
      ['client_id', 'my-own-id'],
    ] as const) {
      const refused = await call('POST', clients, webClientInput({ [field]: value }));
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining(field) });
    }
  });
});

describe('ADMIN-04 validation: the rules of the clients file, errors of RFC 7591 §3.2.2', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['client_name', { client_name: '' }, 'invalid_client_metadata', 'client_name'],
    ['integration_type', { integration_type: 'krr' }, 'invalid_client_metadata', 'integration_type'],
    ['application_type', { application_type: 'desktop' }, 'invalid_client_metadata', 'application_type'],
    ['token_endpoint_auth_method', { token_endpoint_auth_method: 'tls_client_auth' }, 'invalid_client_metadata', 'token_endpoint_auth_method'],
    ['grant_types', { grant_types: ['implicit'] }, 'invalid_client_metadata', 'grant_types'],
    ['scopes', { scopes: ['openid'] }, 'invalid_client_metadata', 'scopes'],
    ['redirect_uris', { redirect_uris: ['https://rp.example.no/cb#fragment'] }, 'invalid_redirect_uri', 'redirect_uris[0]'],
    ['redirect_uris (none)', { redirect_uris: [] }, 'invalid_redirect_uri', 'redirect_uris'],
    ['post_logout_redirect_uris', { post_logout_redirect_uris: ['not a uri'] }, 'invalid_redirect_uri', 'post_logout_redirect_uris[0]'],
    ['frontchannel_logout_uri', { frontchannel_logout_uri: 'https://elsewhere.example.no/logout' }, 'invalid_client_metadata', 'frontchannel_logout_uri'],
    ['access_token_lifetime', { access_token_lifetime: 0 }, 'invalid_client_metadata', 'access_token_lifetime'],
    ['refresh_token_usage', { refresh_token_usage: 'SOMETIMES' }, 'invalid_client_metadata', 'refresh_token_usage'],
    ['sso_disabled', { sso_disabled: 'yes' }, 'invalid_client_metadata', 'sso_disabled'],
    ['code_challenge_method', { code_challenge_method: 'plain' }, 'invalid_client_metadata', 'code_challenge_method'],
    ['jwks', { jwks: { keys: [publicJwk('admin04-kid')] } }, 'invalid_client_metadata', 'jwks'],
    ['supplier_orgno', { supplier_orgno: '123' }, 'invalid_client_metadata', 'supplier_orgno'],
    ['client_uri', { client_uri: 'javascript:alert(1)' }, 'invalid_client_metadata', 'client_uri'],
    ['logo', { logo: 'data:text/plain;base64,AAAA' }, 'invalid_client_metadata', 'logo'],
    ['description', { description: 'x'.repeat(1001) }, 'invalid_client_metadata', 'description'],
    ['onbehalfof', { onbehalfof: [{ onbehalfof: 'a b', name: 'x', orgno }] }, 'invalid_client_metadata', 'onbehalfof[0].onbehalfof'],
    ['an unknown field', { colour: 'blue' }, 'invalid_client_metadata', 'colour'],
    ['active', { active: false }, 'invalid_client_metadata', 'active'],
  ];
  for (const [title, change, error, field] of cases) {
    it(`ADMIN-04 ${title}: 400 ${error} naming ${field}, and nothing is made`, async () => {
      const before = (await call('GET', clients)).json<unknown[]>().length;
      const refused = await call('POST', clients, webClientInput(change));
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json()).toMatchObject({ error });
      expect(refused.json<{ error_description: string }>().error_description).toContain(`${field}`);
      expect((await call('GET', clients)).json<unknown[]>().length).toBe(before);
    });
  }

  it('ADMIN-04 a body that is not a JSON object, not JSON or not application/json is a 400, never a 500', async () => {
    expect((await call('POST', clients, [1, 2])).json()).toMatchObject({ error: 'invalid_client_metadata' });
    const broken = await provider.app.inject({ method: 'POST', url: clients, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"client_name":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'invalid_client_metadata' });
    const form = await provider.app.inject({ method: 'POST', url: clients, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'client_name=x' });
    expect(form.statusCode).toBe(400);
    expect(form.json()).toMatchObject({ error: 'invalid_request' });
    const huge = await call('POST', clients, webClientInput({ description: 'x'.repeat(70_000) }));
    expect(huge.statusCode).toBe(413);
  });

  it('ADMIN-04 a PUT with a broken field changes nothing', async () => {
    const created = await createWeb();
    const refused = await call('PUT', `${clients}/${created.client_id}`, webClientInput({ client_name: 'Changed', redirect_uris: ['ftp://x'] }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'invalid_redirect_uri' });
    expect((await call('GET', `${clients}/${created.client_id}`)).json()).toMatchObject({ client_name: 'API web client' });
  });
});

describe('ADMIN-05 CLIENT-02 PUT replaces the record', () => {
  it('ADMIN-05 PUT replaces: a field left out returns to its default; created stays, last_updated moves', async () => {
    const created = await createWeb({ sso_disabled: true, description: 'first' });
    const put = await call('PUT', `${clients}/${created.client_id}`, webClientInput());
    const after = put.json<Record<string, unknown>>();
    expect(after.sso_disabled).toBe(false);
    expect(after).not.toHaveProperty('description');
    expect(after.created).toBe(created.created);
    expect(put.json()).not.toHaveProperty('client_secret');
  });

  it('CLIENT-02 ADMIN-05 integration_type cannot change (400)', async () => {
    const created = await createWeb();
    const refused = await call('PUT', `${clients}/${created.client_id}`, webClientInput({ integration_type: 'api_klient' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining('integration_type') });
  });

  it('ADMIN-05 CLIENT-06 the secret survives a PUT; changing the method away from secrets deletes it', async () => {
    const created = await createWeb();
    await call('PUT', `${clients}/${created.client_id}`, webClientInput({ client_name: 'Still secret' }));
    const { tokens } = await codeFlowWithOpenIdClient(provider.app, created.client_id, created.client_secret);
    expect(tokens.access_token).toBeTruthy();
    const keyed = await call('PUT', `${clients}/${created.client_id}`, webClientInput({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('admin05-key', true)] } }));
    expect(keyed.statusCode, keyed.body).toBe(200);
    expect(keyed.json()).not.toHaveProperty('client_secret_expires_at');
    const redis = new Redis(testRedisUrl);
    try {
      expect(JSON.parse((await redis.hget(`${provider.prefix}{clients}:records`, created.client_id))!)).not.toHaveProperty('client_secret_hash');
    } finally {
      redis.disconnect();
    }
    const refused = await tokenRequest(created.client_id, created.client_secret, { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(refused.statusCode).toBe(401);
    // Back to a secret method: a new secret is made and shown once.
    const back = await call('PUT', `${clients}/${created.client_id}`, webClientInput());
    expect(back.json<{ client_secret: string }>().client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(back.json<{ client_secret: string }>().client_secret).not.toBe(created.client_secret);
  });

  it('ADMIN-05 a client of the clients file is read-only to the API (403), but readable', async () => {
    expect((await call('GET', `${clients}/file-web`)).json()).toMatchObject({ client_id: 'file-web', client_orgno: orgno });
    expect((await call('GET', `${clients}/file-web`)).body).not.toContain('file-web-secret');
    for (const [method, url] of [
      ['PUT', `${clients}/file-web`],
      ['DELETE', `${clients}/file-web`],
      ['POST', `${clients}/file-web/secret`],
      ['POST', `${clients}/file-web/jwks`],
    ] as const) {
      const refused = await call(method, url, method === 'PUT' ? webClientInput() : url.endsWith('/jwks') ? { keys: [publicJwk('file-x', true)] } : undefined);
      expect(refused.statusCode, `${method} ${url}`).toBe(403);
    }
  });
});

describe('ADMIN-06 secret rotation', () => {
  it('ADMIN-06 CLIENT-06 rotation returns a new secret and the old one fails at once', async () => {
    const created = await createWeb();
    const rotated = await call('POST', `${clients}/${created.client_id}/secret`);
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json<{ client_secret: string }>().client_secret;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(created.client_secret);
    expect((await tokenRequest(created.client_id, created.client_secret, { grant_type: 'refresh_token', refresh_token: 'x' })).statusCode).toBe(401);
    expect((await tokenRequest(created.client_id, fresh, { grant_type: 'refresh_token', refresh_token: 'x' })).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('ADMIN-06 a client without a secret method has no secret to rotate (400)', async () => {
    const machine = await call('POST', clients, machineClientInput('admin06-k'));
    const refused = await call('POST', `${clients}/${machine.json<{ client_id: string }>().client_id}/secret`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining('token_endpoint_auth_method') });
  });
});

describe('ADMIN-07 CLIENT-07 key sets', () => {
  it('ADMIN-07 the whole set is replaced; more than 5 keys, a private key or a bad key is 400 and changes nothing', async () => {
    const machine = (await call('POST', clients, machineClientInput('admin07-a'))).json<{ client_id: string }>();
    const url = `${clients}/${machine.client_id}/jwks`;
    const six = { keys: ['1', '2', '3', '4', '5', '6'].map((n) => publicJwk(`admin07-six-${n}`)) };
    expect((await call('POST', url, six)).json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining('jwks.keys') });
    expect((await call('POST', url, { keys: [{ ...publicJwk('admin07-priv'), d: 'AAAA' }] })).json<{ error_description: string }>().error_description).toContain('jwks.keys[0].d');
    expect((await call('POST', url, { keys: [{ ...publicJwk('admin07-short'), n: 'AQAB' }] })).json<{ error_description: string }>().error_description).toContain('jwks.keys[0].n');
    expect((await call('GET', url)).json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid)).toEqual(['admin07-a']);
    const put = await call('PUT', url, { keys: [publicJwk('admin07-b', true)] });
    expect(put.statusCode).toBe(200);
    expect(put.json<{ keys: { kid: string; created: string }[] }>().keys[0]).toMatchObject({ kid: 'admin07-b', created: expect.any(String) });
  });

  it('CLIENT-07 ADMIN-07 a kid of another client (from the file or the API) is refused; a released kid can be reused', async () => {
    const fileKid = await call('POST', clients, machineClientInput('admin-all-key'));
    expect(fileKid.statusCode).toBe(400);
    expect(fileKid.json<{ error_description: string }>().error_description).toContain('jwks.keys[0].kid');
    const first = (await call('POST', clients, machineClientInput('admin07-taken'))).json<{ client_id: string }>();
    const second = await call('POST', clients, machineClientInput('admin07-taken'));
    expect(second.statusCode).toBe(400);
    expect(second.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining('jwks.keys[0].kid') });
    await call('POST', `${clients}/${first.client_id}/jwks`, { keys: [publicJwk('admin07-moved', true)] });
    expect((await call('POST', clients, machineClientInput('admin07-taken'))).statusCode).toBe(201);
  });

  it('CLIENT-07 concurrent creates with the same kid: exactly one wins', async () => {
    const attempts = await Promise.all(Array.from({ length: 8 }, () => call('POST', clients, machineClientInput('admin07-race'))));
    expect(attempts.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(attempts.filter((r) => r.statusCode === 400)).toHaveLength(7);
  });
});

describe('CLIENT-01 onbehalfof', () => {
  it('CLIENT-01 a client lists its onbehalfof sub-identities, and a PUT edits them', async () => {
    const list = [{ onbehalfof: 'dept-a', name: 'Department A', orgno: otherOrgno, description: 'First' }];
    const created = await createWeb({ onbehalfof: list });
    expect(created.onbehalfof).toEqual(list);
    const put = await call('PUT', `${clients}/${created.client_id}`, webClientInput({ onbehalfof: [...list, { onbehalfof: 'dept-b', name: 'Department B', orgno }] }));
    expect(put.json<{ onbehalfof: { onbehalfof: string }[] }>().onbehalfof.map((o) => o.onbehalfof)).toEqual(['dept-a', 'dept-b']);
    const twice = await call('PUT', `${clients}/${created.client_id}`, webClientInput({ onbehalfof: [...list, ...list] }));
    expect(twice.json<{ error_description: string }>().error_description).toContain('onbehalfof[1].onbehalfof');
  });
});

describe('ADMIN-08 CLIENT-17 delete deactivates and revokes', () => {
  it('ADMIN-08 CLIENT-17 after DELETE the client is unknown at /authorize (error page) and /token, and its refresh and access tokens are dead', async () => {
    const created = await createWeb();
    const { tokens, config, oidc } = await codeFlowWithOpenIdClient(provider.app, created.client_id, created.client_secret);
    expect(tokens.refresh_token).toBeTruthy();
    expect((await call('DELETE', `${clients}/${created.client_id}`)).statusCode).toBe(204);
    const authorize = await provider.app.inject({ method: 'GET', url: `/authorize?client_id=${created.client_id}&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&response_type=code&scope=openid&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256` });
    expect(authorize.statusCode).toBe(400);
    expect(authorize.body).toContain('id="op-error"');
    const refresh = await tokenRequest(created.client_id, created.client_secret, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refresh.statusCode).toBe(401);
    expect(refresh.json()).toMatchObject({ error: 'invalid_client' });
    await expect(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
    const userinfo = await provider.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.statusCode).toBe(401);
    expect((await call('GET', `${clients}/${created.client_id}`)).statusCode).toBe(404);
    expect((await call('DELETE', `${clients}/${created.client_id}`)).statusCode).toBe(404);
  });

  it('ADMIN-08 CLIENT-17 INTROSPECT-04 the access token of a deleted machine client is inactive at introspection', async () => {
    const machine = (await call('POST', clients, machineClientInput('admin08-machine', { scopes: ['acme:api'] }, false))).json<{ client_id: string }>();
    const itsToken = await adminToken(provider.app, machine.client_id, 'acme:api', 'admin08-machine');
    const introspect = () =>
      provider.app.inject({
        method: 'POST',
        url: '/token/introspect',
        headers: { authorization: basic(introspector.client_id, introspector.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token: itsToken }).toString(),
      });
    expect((await introspect()).json()).toMatchObject({ active: true, client_id: machine.client_id });
    expect((await call('DELETE', `${clients}/${machine.client_id}`)).statusCode).toBe(204);
    expect((await introspect()).json()).toEqual({ active: false });
  });
});
