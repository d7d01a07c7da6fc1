// A client's onbehalfof list through the administration API (ADMIN-02, AUTHZ-24, CLIENT-01): the
// idporten:dcr/onbehalfof:write scope edits that list and nothing else of the record, under the same
// organisation and supplier rules as the rest of the API, and an entry added at one instance is
// usable by /authorize at another within a second. HTTP on real Redis, per-test key prefixes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestProvider } from '../support/app.js';
import { uniquePrefix } from '../support/redis.js';
import { adminToken, api, eventually, orgno, otherOrgno, startAdminProvider, webClientInput } from './support.js';

const clients = '/api/v1/clients';
const oboScope = 'idporten:dcr/onbehalfof:write';
/** docs/interface.md: a change is in force on every instance within one second. */
const withinOneSecond = 1000;

type Entry = { onbehalfof: string; name: string; orgno: string; description?: string };
const entry = (id: string, extra: Partial<Entry> = {}): Entry => ({ onbehalfof: id, name: `Customer ${id}`, orgno: otherOrgno, ...extra });

describe('ADMIN-02 the idporten:dcr/onbehalfof:write scope', () => {
  let provider: TestProvider;
  let all: string;
  let obo: string;
  const auditFile = join(mkdtempSync(join(tmpdir(), 'op-obo-')), 'audit.log');
  beforeAll(async () => {
    provider = await startAdminProvider({ prefix: uniquePrefix('obo-api'), env: { OP_AUDIT_LOG: auditFile } });
    all = await adminToken(provider.app);
    obo = await adminToken(provider.app, 'admin-onbehalfof', oboScope);
  }, 30_000);
  afterAll(async () => provider.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body: unknown, as: string) => api(provider.app, as, method, url, body);
  async function createWeb(extra: Record<string, unknown> = {}) {
    const response = await call('POST', clients, webClientInput(extra), all);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ client_id: string; client_secret: string } & Record<string, unknown>>();
  }

  it('ADMIN-02 the scope adds, lists, reads, replaces and removes onbehalfof entries, and the rest of the record stays as it was', async () => {
    const created = await createWeb({ onbehalfof: [entry('first')] });
    const list = `${clients}/${created.client_id}/onbehalfof`;
    const before = (await call('GET', `${clients}/${created.client_id}`, undefined, all)).json<Record<string, unknown>>();

    const added = await call('POST', list, entry('kommune-a', { description: 'Tjenesten for kommune A' }), obo);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toEqual(entry('kommune-a', { description: 'Tjenesten for kommune A' }));
    expect((await call('GET', list, undefined, obo)).json<Entry[]>().map((e) => e.onbehalfof)).toEqual(['first', 'kommune-a']);
    expect((await call('GET', `${list}/kommune-a`, undefined, obo)).json()).toMatchObject({ onbehalfof: 'kommune-a', name: 'Customer kommune-a' });

    // PUT replaces the entry; the id is the URL's and may be left out of the body.
    const replaced = await call('PUT', `${list}/kommune-a`, { name: 'Kommune A', orgno }, obo);
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toEqual({ onbehalfof: 'kommune-a', name: 'Kommune A', orgno });

    expect((await call('DELETE', `${list}/first`, undefined, obo)).statusCode).toBe(204);
    expect((await call('GET', `${list}/first`, undefined, obo)).statusCode).toBe(404);
    expect((await call('PUT', `${list}/first`, entry('first'), obo)).statusCode).toBe(404);
    expect((await call('DELETE', `${list}/first`, undefined, obo)).statusCode).toBe(404);

    // Nothing else of the record changed: not the secret, not a field.
    const after = (await call('GET', `${clients}/${created.client_id}`, undefined, all)).json<Record<string, unknown>>();
    const { onbehalfof: _before, last_updated: _t0, ...restBefore } = before;
    const { onbehalfof: list1, last_updated: _t1, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore);
    expect(list1).toEqual([{ onbehalfof: 'kommune-a', name: 'Kommune A', orgno }]);
    const token = await provider.app.inject({
      method: 'POST',
      url: '/token',
      headers: { authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=refresh_token&refresh_token=unknown',
    });
    expect(token.statusCode, 'the secret still authenticates: invalid_grant, not invalid_client').toBe(400);

    // The last entry removed leaves an empty list.
    expect((await call('DELETE', `${list}/kommune-a`, undefined, obo)).statusCode).toBe(204);
    expect((await call('GET', list, undefined, obo)).json()).toEqual([]);
  });

  it('ADMIN-02 with only idporten:dcr/onbehalfof:write, a PUT of the whole client is 403 insufficient_scope, and so is every other call', async () => {
    const created = await createWeb({ onbehalfof: [entry('kept')] });
    const one = `${clients}/${created.client_id}`;
    const put = await call('PUT', one, webClientInput({ onbehalfof: [entry('kept'), entry('sneaked')], client_name: 'Changed' }), obo);
    expect(put.statusCode).toBe(403);
    expect(put.json()).toMatchObject({ error: 'insufficient_scope', error_description: expect.stringContaining('idporten:dcr.modify') });
    expect(put.headers['www-authenticate']).toContain('error="insufficient_scope"');
    for (const [method, url, body] of [
      ['GET', clients, undefined],
      ['POST', clients, webClientInput()],
      ['GET', one, undefined],
      ['DELETE', one, undefined],
      ['POST', `${one}/secret`, undefined],
      ['GET', `${one}/jwks`, undefined],
      ['POST', `${one}/jwks`, { keys: [] }],
    ] as const) {
      const refused = await call(method, url, body, obo);
      expect(refused.statusCode, `${method} ${url}`).toBe(403);
      expect(refused.json(), `${method} ${url}`).toMatchObject({ error: 'insufficient_scope' });
    }
    const read = (await call('GET', one, undefined, all)).json<Record<string, unknown>>();
    expect(read).toMatchObject({ client_name: 'API web client', onbehalfof: [entry('kept')] });
  });

  it('ADMIN-02 a token without idporten:dcr/onbehalfof:write or idporten:dcr.modify cannot edit the list (403 naming the scope); reading takes idporten:dcr.read or the scope', async () => {
    const created = await createWeb({ onbehalfof: [entry('kept')] });
    const list = `${clients}/${created.client_id}/onbehalfof`;
    const reader = await adminToken(provider.app, 'admin-reader', 'idporten:dcr.read');
    expect((await call('GET', list, undefined, reader)).json()).toEqual([entry('kept')]);
    expect((await call('GET', `${list}/kept`, undefined, reader)).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', list, entry('new')],
      ['PUT', `${list}/kept`, entry('kept', { name: 'Renamed' })],
      ['DELETE', `${list}/kept`, undefined],
    ] as const) {
      const refused = await call(method, url, body, reader);
      expect(refused.statusCode, `${method} ${url}`).toBe(403);
      expect(refused.json()).toMatchObject({ error: 'insufficient_scope', error_description: expect.stringContaining(oboScope) });
    }
    const writeOnly = await adminToken(provider.app, 'admin-all', 'idporten:dcr.write');
    const listRefused = await call('GET', list, undefined, writeOnly);
    expect(listRefused.statusCode).toBe(403);
    expect(listRefused.json()).toMatchObject({ error: 'insufficient_scope', error_description: expect.stringContaining('idporten:dcr.read') });
    expect((await call('GET', list, undefined, all)).json()).toEqual([entry('kept')]);
    // idporten:dcr.modify edits the list too.
    expect((await call('POST', list, entry('by-modify'), all)).statusCode).toBe(201);
  });

  it("ADMIN-02 another organisation's client is 404 for every onbehalfof call; a file client's list is readable and read-only (403)", async () => {
    const created = await createWeb({ onbehalfof: [entry('kept')] });
    const list = `${clients}/${created.client_id}/onbehalfof`;
    const other = await adminToken(provider.app, 'admin-other');
    const otherSupplier = await adminToken(provider.app, 'admin-supplier', `idporten:dcr.read ${oboScope}`);
    for (const as of [other, otherSupplier]) {
      for (const [method, url, body] of [
        ['GET', list, undefined],
        ['POST', list, entry('new')],
        ['GET', `${list}/kept`, undefined],
        ['PUT', `${list}/kept`, entry('kept')],
        ['DELETE', `${list}/kept`, undefined],
      ] as const) {
        const refused = await call(method, url, body, as);
        expect(refused.statusCode, `${method} ${url}`).toBe(404);
        expect(refused.json()).toMatchObject({ error: 'not_found' });
      }
    }
    expect((await call('GET', list, undefined, all)).json()).toEqual([entry('kept')]);
    expect((await call('GET', `${clients}/00000000-0000-4000-8000-000000000000/onbehalfof`, undefined, obo)).statusCode).toBe(404);
    // A client of OP_CLIENTS_FILE: its list is readable, never changed by the API.
    expect((await call('GET', `${clients}/file-web/onbehalfof`, undefined, obo)).json()).toEqual([]);
    const fileWrite = await call('POST', `${clients}/file-web/onbehalfof`, entry('new'), obo);
    expect(fileWrite.statusCode).toBe(403);
    expect(fileWrite.json()).toMatchObject({ error: 'access_denied' });
  });

  it('ADMIN-02 with idporten:dcr.supplier a supplier edits the onbehalfof list of the clients it supplies, and only theirs', async () => {
    const supplied = await createWeb({ supplier_orgno: otherOrgno });
    const list = `${clients}/${supplied.client_id}/onbehalfof`;
    const supplier = await adminToken(provider.app, 'admin-supplier', `${oboScope} idporten:dcr.supplier`);
    const added = await call('POST', list, entry('customer-1'), supplier);
    expect(added.statusCode, added.body).toBe(201);
    expect((await call('GET', list, undefined, supplier)).json()).toEqual([entry('customer-1')]);
    // The same organisation without .supplier does not see the client.
    const plain = await adminToken(provider.app, 'admin-supplier', oboScope);
    expect((await call('POST', list, entry('customer-2'), plain)).statusCode).toBe(404);
    // .supplier alone does not allow the edit.
    const supplierOnly = await adminToken(provider.app, 'admin-supplier', 'idporten:dcr.read idporten:dcr.supplier');
    expect((await call('POST', list, entry('customer-2'), supplierOnly)).json()).toMatchObject({ error: 'insufficient_scope' });
    expect((await call('GET', list, undefined, all)).json()).toEqual([entry('customer-1')]);
  });

  it('ADMIN-02 CLIENT-01 a duplicate id, a broken entry and a 101st entry are 400 invalid_client_metadata naming the field and rule; nothing changes', async () => {
    const created = await createWeb({ onbehalfof: [entry('kept')] });
    const list = `${clients}/${created.client_id}/onbehalfof`;
    const before = (await call('GET', `${clients}/${created.client_id}`, undefined, all)).json<Record<string, unknown>>();
    for (const [body, field, rule] of [
      [entry('kept'), 'onbehalfof', 'unique within the client'],
      [entry('a b'), 'onbehalfof[1].onbehalfof', 'printable ASCII'],
      [entry('k'.repeat(101)), 'onbehalfof[1].onbehalfof', 'printable ASCII'],
      [{ onbehalfof: 'no-name', orgno }, 'onbehalfof[1].name', ''],
      [entry('bad-orgno', { orgno: '123' }), 'onbehalfof[1].orgno', ''],
      [{ ...entry('extra'), logo: 'x' }, 'onbehalfof[1]', 'logo'],
      [entry('long', { description: 'd'.repeat(1001) }), 'onbehalfof[1].description', ''],
      [['not', 'an', 'object'], 'onbehalfof', 'JSON object'],
    ] as const) {
      const refused = await call('POST', list, body, obo);
      expect(refused.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'invalid_client_metadata' });
      expect(refused.json<{ error_description: string }>().error_description).toContain(`${field}`);
      expect(refused.json<{ error_description: string }>().error_description).toContain(rule);
    }
    const renamed = await call('PUT', `${list}/kept`, entry('other-id'), obo);
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json<{ error_description: string }>().error_description).toContain('onbehalfof: must be the onbehalfof of the URL');
    expect((await call('GET', `${clients}/${created.client_id}`, undefined, all)).json()).toEqual(before);

    // CLIENT-01: at most 100 entries.
    const full = await createWeb({ onbehalfof: Array.from({ length: 100 }, (_, i) => ({ onbehalfof: `c${i}`, name: `C${i}`, orgno })) });
    const tooMany = await call('POST', `${clients}/${full.client_id}/onbehalfof`, entry('c100'), obo);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<{ error_description: string }>().error_description).toContain('onbehalfof: must hold at most 100 entries');
    expect((await call('GET', `${clients}/${full.client_id}/onbehalfof`, undefined, obo)).json<unknown[]>()).toHaveLength(100);
  });

  it('ADMIN-02 ADMIN-01 each onbehalfof change is a client_updated audit event saying what changed, with the caller', async () => {
    const created = await createWeb();
    const list = `${clients}/${created.client_id}/onbehalfof`;
    await call('POST', list, entry('audited'), obo);
    await call('PUT', `${list}/audited`, entry('audited', { name: 'Renamed' }), obo);
    await call('DELETE', `${list}/audited`, undefined, obo);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const lines = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>)
      .filter((line) => line.client_id === created.client_id && line.event === 'client_updated');
    expect(lines.map((line) => line.reason)).toEqual(['onbehalfof entry added', 'onbehalfof entry replaced', 'onbehalfof entry removed']);
    for (const line of lines) expect(line).toMatchObject({ caller_client_id: 'admin-onbehalfof', caller_orgno: orgno });
  });
});

describe('ADMIN-02 onbehalfof changes on two instances', () => {
  const prefix = uniquePrefix('obo-live');
  let a: TestProvider;
  let b: TestProvider;
  let all: string;
  beforeAll(async () => {
    a = await startAdminProvider({ prefix });
    b = await startAdminProvider({ prefix });
    all = await adminToken(a.app);
  }, 30_000);
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  /** /authorize with onbehalfof: 'login' when it goes on to the login page, 'refused' when it redirects an error, else the status. */
  const authorize = async (app: FastifyInstance, clientId: string, onbehalfof: string): Promise<string> => {
    const response = await app.inject({
      method: 'GET',
      url: `/authorize?client_id=${clientId}&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&response_type=code&scope=openid%20profile&state=s&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&onbehalfof=${onbehalfof}`,
    });
    if (response.statusCode !== 303) return String(response.statusCode);
    return String(response.headers.location).includes('error=') ? 'refused' : 'login';
  };

  it('ADMIN-02 AUTHZ-24 an entry added at A is accepted by /authorize?onbehalfof at B within one second; a removed one is refused there within one second', async () => {
    const created = (await api(a.app, all, 'POST', clients, webClientInput())).json<{ client_id: string }>();
    expect(await eventually(async () => (await authorize(b.app, created.client_id, 'kommune-live')) === 'refused', withinOneSecond)).toBe(true);
    const obo = await adminToken(a.app, 'admin-onbehalfof', oboScope);
    const list = `${clients}/${created.client_id}/onbehalfof`;
    expect((await api(a.app, obo, 'POST', list, entry('kommune-live'))).statusCode).toBe(201);
    expect(await authorize(a.app, created.client_id, 'kommune-live')).toBe('login');
    expect(await eventually(async () => (await authorize(b.app, created.client_id, 'kommune-live')) === 'login', withinOneSecond)).toBe(true);
    expect((await api(a.app, obo, 'DELETE', `${list}/kommune-live`)).statusCode).toBe(204);
    expect(await eventually(async () => (await authorize(b.app, created.client_id, 'kommune-live')) === 'refused', withinOneSecond)).toBe(true);
  });

  it('ADMIN-02 entries added at the same moment at both instances all land: no change overwrites another', async () => {
    const created = (await api(a.app, all, 'POST', clients, webClientInput())).json<{ client_id: string }>();
    const allB = await adminToken(b.app);
    expect(await eventually(async () => (await authorize(b.app, created.client_id, 'x')) === 'refused', withinOneSecond)).toBe(true);
    const list = `${clients}/${created.client_id}/onbehalfof`;
    const ids = Array.from({ length: 8 }, (_, i) => `race-${i}`);
    const answers = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? api(a.app, all, 'POST', list, entry(id)) : api(b.app, allB, 'POST', list, entry(id)))));
    expect(answers.map((answer) => answer.statusCode)).toEqual(ids.map(() => 201));
    const stored = (await api(a.app, all, 'GET', list)).json<Entry[]>().map((e) => e.onbehalfof);
    expect(stored.sort()).toEqual([...ids].sort());
  });
});
