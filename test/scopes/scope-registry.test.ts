// The scope registry (CLIENT-16): OP_SCOPES_FILE with Digdir's field names, validated with every
// broken record reported at once, the built-in scopes always present, and client records checked
// against it (exists, active, integration type allowed, open to the client's organisation).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientRegistryError, parseClientRecords } from '../../src/registry/client-registry.js';
import { ScopeRegistryError, builtInScopeRegistry, parseScopeRecords } from '../../src/registry/scope-registry.js';
import { loadScopeRecords } from '../../src/registry/scopes-file.js';

const ownerOrgno = '991825827';
const otherOrgno = '974760673';
const thirdOrgno = '889640782';

type Rec = Record<string, unknown>;

/** A valid scope record of Digdir's registry. */
const scope = (name: string, overrides: Rec = {}): Rec => ({
  name,
  prefix: name.slice(0, name.indexOf(':')),
  subscope: name.slice(name.indexOf(':') + 1),
  description: `Access to ${name}`,
  owner_orgno: ownerOrgno,
  allowed_integration_types: ['api_klient', 'maskinporten'],
  ...overrides,
});

const problemsOf = (records: unknown): readonly string[] => {
  try {
    parseScopeRecords(records, 'scopes.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ScopeRegistryError);
    return (error as ScopeRegistryError).problems;
  }
  throw new Error('expected the scope registry to refuse the input');
};

const builtInNames = ['openid', 'profile', 'idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify', 'idporten:dcr/onbehalfof:write', 'idporten:dcr.supplier', 'idporten:scopes.write', 'idporten:token.introspection'];

describe('scope records (CLIENT-16)', () => {
  it('CLIENT-16 without OP_SCOPES_FILE only the built-in scopes exist', () => {
    expect(loadScopeRecords(undefined).all().map((s) => s.name)).toEqual(builtInNames);
    expect(builtInScopeRegistry.find('nav:api')).toBeUndefined();
  });

  it("CLIENT-16 takes Digdir's field names with their defaults, and keeps the built-in scopes beside the file's", () => {
    const registry = parseScopeRecords([scope('nav:api')]);
    expect(registry.all().map((s) => s.name)).toEqual([...builtInNames, 'nav:api']);
    expect(registry.find('nav:api')).toMatchObject({
      name: 'nav:api',
      prefix: 'nav',
      subscope: 'api',
      active: true,
      token_type: 'SELF_CONTAINED',
      requires_user_consent: false,
      requires_user_authentication: false,
      requires_pseudonymous_tokens: false,
      accessible_for_all: false,
      enforced_aud_for_introspection: [],
      consumer_orgnos: [],
      builtIn: false,
    });
  });

  it('CLIENT-16 accepts every field of the registry', () => {
    const full = scope('nav:full', {
      long_description: 'A longer text',
      active: true,
      token_type: 'OPAQUE',
      at_max_age: 60,
      authorization_max_lifetime: 3600,
      requires_user_consent: true,
      requires_user_authentication: true,
      requires_pseudonymous_tokens: true,
      accessible_for_all: false,
      enforced_aud_for_introspection: ['rs-1'],
      consumer_orgnos: [otherOrgno],
      created: '2026-01-01T00:00:00Z',
      last_updated: '2026-02-01T00:00:00Z',
    });
    expect(parseScopeRecords([full]).find('nav:full')).toMatchObject({ ...full, builtIn: false });
  });

  it('CLIENT-16 an inactive scope is unknown to lookups but still listed', () => {
    const registry = parseScopeRecords([scope('nav:old', { active: false })]);
    expect(registry.find('nav:old')).toBeUndefined();
    expect(registry.all().some((s) => s.name === 'nav:old')).toBe(true);
  });

  it('CLIENT-16 reports every broken record at once, each with its name, field and rule', () => {
    const problems = problemsOf([
      scope('nav:a', { token_type: 'BY_VALUE' }),
      scope('nav:b', { colour: 'red', at_max_age: -1 }),
      scope('nav:c', { allowed_integration_types: ['ansattporten'] }),
      { name: 'nav:d' },
      scope('nav:e', { prefix: 'skatt' }),
      scope('openid:x', { name: 'openid', prefix: 'openid', subscope: 'x' }),
      scope('nav:f'),
      scope('nav:f'),
      'not a record',
    ]);
    expect(problems).toEqual([
      'scope "nav:a" field token_type: must be SELF_CONTAINED or OPAQUE (AT-01)',
      'scope "nav:b" field at_max_age: must be 0 (no cap) or more seconds (TOKEN-20)',
      'scope "nav:b" field colour: is not a scope record field (CLIENT-16)',
      'scope "nav:c" field allowed_integration_types[0]: must be idporten, api_klient or maskinporten (CLIENT-02)',
      expect.stringMatching(/^scope "nav:d" field prefix: /),
      expect.stringMatching(/^scope "nav:d" field subscope: /),
      expect.stringMatching(/^scope "nav:d" field description: /),
      expect.stringMatching(/^scope "nav:d" field allowed_integration_types: /),
      expect.stringMatching(/^scope "nav:d" field owner_orgno: /),
      'scope "nav:e" field name: must be prefix:subscope (CLIENT-16)',
      'scope "openid" field name: must be prefix:subscope (CLIENT-16)',
      'scope "openid" field name: is a built-in scope and cannot be redefined (CLIENT-16)',
      expect.stringMatching(/^scope #9 \(no valid name\) field \(record\): /),
      'scope "nav:f" field name: is registered twice',
    ]);
  });

  it('CLIENT-16 AUTHZ-27 consent and fresh authentication need an integration type with a user login', () => {
    expect(problemsOf([scope('nav:m', { allowed_integration_types: ['maskinporten'], requires_user_consent: true, requires_user_authentication: true })])).toEqual([
      'scope "nav:m" field requires_user_consent: needs an integration type with a user login (idporten or api_klient) (AUTHZ-27)',
      'scope "nav:m" field requires_user_authentication: needs an integration type with a user login (idporten or api_klient) (AUTHZ-27)',
    ]);
  });

  it('CLIENT-16 an unreadable or non-JSON OP_SCOPES_FILE is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'op-scopes-'));
    expect(() => loadScopeRecords(join(dir, 'missing.json'))).toThrow(/OP_SCOPES_FILE cannot be read \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(() => loadScopeRecords(join(dir, 'bad.json'))).toThrow(/OP_SCOPES_FILE is not valid JSON/);
    writeFileSync(join(dir, 'object.json'), '{}');
    expect(() => loadScopeRecords(join(dir, 'object.json'))).toThrow(/must hold a JSON array of scope records/);
  });
});

describe('client records against the scope registry (CLIENT-16)', () => {
  const registry = parseScopeRecords([
    scope('nav:open', { accessible_for_all: true }),
    scope('nav:owned'),
    scope('nav:granted', { consumer_orgnos: [otherOrgno] }),
    scope('nav:off', { active: false, accessible_for_all: true }),
    scope('nav:machines', { accessible_for_all: true, allowed_integration_types: ['maskinporten'] }),
  ]);
  const apiClient = (clientOrgno: string, scopes: string[]): Rec => ({
    client_id: `api-${clientOrgno}`,
    client_secret: 'an-api-client-secret-0123456789-0123456789',
    client_name: 'API client',
    client_orgno: clientOrgno,
    integration_type: 'api_klient',
    scopes: ['openid', 'profile', ...scopes],
    redirect_uris: ['https://api.example.com/cb'],
    post_logout_redirect_uris: ['https://api.example.com/'],
  });
  const refusal = (record: Rec): readonly string[] => {
    try {
      parseClientRecords([record], 'test', 'clients.json', registry);
    } catch (error) {
      expect(error).toBeInstanceOf(ClientRegistryError);
      return (error as ClientRegistryError).problems;
    }
    return [];
  };

  it('CLIENT-16 a scope open to all, one the client organisation owns, and one granted to it are accepted', () => {
    expect(refusal(apiClient(ownerOrgno, ['nav:open', 'nav:owned', 'nav:granted']))).toEqual([]);
    expect(refusal(apiClient(otherOrgno, ['nav:open', 'nav:granted']))).toEqual([]);
  });

  it('CLIENT-16 refuses a scope that does not exist, naming client, field and rule', () => {
    expect(refusal(apiClient(ownerOrgno, ['nav:nothing']))).toEqual([`client "api-${ownerOrgno}" field scopes[2]: nav:nothing does not exist in the scope registry (CLIENT-16)`]);
  });

  it('CLIENT-16 refuses an inactive scope', () => {
    expect(refusal(apiClient(ownerOrgno, ['nav:off']))).toEqual([`client "api-${ownerOrgno}" field scopes[2]: nav:off is inactive (CLIENT-16)`]);
  });

  it('CLIENT-16 refuses a scope whose allowed_integration_types leave out the client', () => {
    expect(refusal(apiClient(ownerOrgno, ['nav:machines']))).toEqual([`client "api-${ownerOrgno}" field scopes[2]: nav:machines is not allowed for integration_type api_klient (CLIENT-16)`]);
  });

  it('CLIENT-16 refuses a scope not open to the client organisation', () => {
    expect(refusal(apiClient(thirdOrgno, ['nav:owned', 'nav:granted']))).toEqual([
      `client "api-${thirdOrgno}" field scopes[2]: nav:owned is not open to organisation ${thirdOrgno} (CLIENT-16)`,
      `client "api-${thirdOrgno}" field scopes[3]: nav:granted is not open to organisation ${thirdOrgno} (CLIENT-16)`,
    ]);
  });

  it('CLIENT-16 the built-in provider scopes: introspection for api_klient, the dcr scopes only for maskinporten', () => {
    expect(refusal(apiClient(thirdOrgno, ['idporten:token.introspection']))).toEqual([]);
    expect(refusal(apiClient(thirdOrgno, ['idporten:dcr.read']))).toEqual([
      `client "api-${thirdOrgno}" field scopes[2]: idporten:dcr.read is not allowed for integration_type api_klient (CLIENT-16)`,
    ]);
  });
});

describe('start-up with OP_SCOPES_FILE (CLIENT-16)', () => {
  it('CLIENT-16 a broken scopes file stops start-up with every broken record named', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'op-scopes-')), 'scopes.json');
    writeFileSync(path, JSON.stringify([scope('nav:a', { token_type: 'X' }), { name: 'nav:b', prefix: 'nav', subscope: 'b' }]));
    const child = spawn(join(process.cwd(), 'node_modules', '.bin', 'tsx'), [join(process.cwd(), 'src', 'server.ts')], {
      env: { PATH: process.env.PATH ?? '', OP_PORT: '0', OP_SCOPES_FILE: path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(output).toContain('scope "nav:a" field token_type: must be SELF_CONTAINED or OPAQUE (AT-01)');
    expect(output).toContain('scope "nav:b" field description');
    expect(output).toContain('scope "nav:b" field owner_orgno');
  }, 30_000);
});

describe('discovery of scopes (DISC-04, CLIENT-16)', () => {
  it('DISC-04 scopes_supported lists openid, profile and the active scopes open to all; private, inactive and provider scopes stay unlisted', async () => {
    const { startTestProvider } = await import('../support/app.js');
    const provider = await startTestProvider({
      scopes: [scope('nav:public', { accessible_for_all: true }), scope('nav:private'), scope('nav:retired', { accessible_for_all: true, active: false })],
    });
    try {
      const metadata = (await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json<{ scopes_supported: string[] }>();
      expect(metadata.scopes_supported).toEqual(['openid', 'profile', 'nav:public']);
    } finally {
      await provider.close();
    }
  });
});
