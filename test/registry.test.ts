// The client registry of profile §12 (CLIENT-01…CLIENT-17), through its public functions only.
// Every record starts from one valid confidential web client and changes one field, so that each
// refusal test fails for exactly one reason: it asserts that the registry reports exactly one
// problem, naming the client_id, the field path and the rule.
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mode } from '../src/config.js';
import {
  ClientRegistryError,
  StaticClientRegistry,
  parseClientRecords,
  verifyClientSecret,
  type RegisteredClient,
} from '../src/registry/client-registry.js';
import { parseScopeRecords } from '../src/registry/scope-registry.js';
import { loadClientRecords } from '../src/registry/clients-file.js';
import { hasValidOrgnoCheckDigit, modulusBits } from '../src/registry/client-schema.js';
import { orgno as VALID_ORGNO } from './support/vocabulary.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Rec = Record<string, unknown>;

const DEMO_CLIENTS = fileURLToPath(new URL('../fixtures/demo/clients.json', import.meta.url));
const SECRET = 'web-1-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/** `{ ...base, ...overrides }` without the keys set to `undefined` (that is how a test removes a field). */
const merge = (base: Rec, overrides: Rec): Rec =>
  Object.fromEntries(Object.entries({ ...base, ...overrides }).filter(([, value]) => value !== undefined));

/** The valid base: a confidential idporten web client with https URIs (valid in test and prod). */
const webClient = (overrides: Rec = {}): Rec =>
  merge(
    {
      client_id: 'web-1',
      client_secret: SECRET,
      client_orgno: VALID_ORGNO,
      client_name: 'Web One',
      integration_type: 'idporten',
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile'],
      redirect_uris: ['https://rp.example.com/callback'],
      post_logout_redirect_uris: ['https://rp.example.com/logged-out'],
    },
    overrides,
  );

/** A public client (browser or native): the base with auth method none and no secret. */
const publicClient = (applicationType: 'browser' | 'native', overrides: Rec = {}): Rec =>
  webClient({ client_id: `${applicationType}-1`, application_type: applicationType, token_endpoint_auth_method: 'none', client_secret: undefined, ...overrides });

function rsaKeyPair(bits: number): { publicJwk: JsonWebKey; privateJwk: JsonWebKey } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { publicJwk: publicKey.export({ format: 'jwk' }), privateJwk: privateKey.export({ format: 'jwk' }) };
}
const RSA_2048 = rsaKeyPair(2048);
const RSA_1024 = rsaKeyPair(1024);

/** A registrable public signing key (CLIENT-07) built from a generated RSA key. */
const signingJwk = (kid: string, overrides: Rec = {}, source: JsonWebKey = RSA_2048.publicJwk): Rec =>
  merge({ kty: 'RSA', alg: 'RS256', use: 'sig', kid, n: source.n, e: source.e }, overrides);

/** A confidential web client that authenticates with private_key_jwt. */
const keyClient = (overrides: Rec = {}): Rec =>
  webClient({ client_id: 'pkjwt-1', token_endpoint_auth_method: 'private_key_jwt', client_secret: undefined, jwks: { keys: [signingJwk('key-1')] }, ...overrides });

/** Parses records that must be valid; returns the registered clients and warnings. */
const register = (records: Rec[], mode: Mode = 'test') => parseClientRecords(records, mode);

/** Parses one record that must be valid and returns its registered client. */
function registerOne(record: Rec, mode: Mode = 'test'): RegisteredClient {
  const { clients } = register([record], mode);
  expect(clients).toHaveLength(1);
  return clients[0]!;
}

/** The ClientRegistryError thrown by `run`; fails the test when nothing (or something else) is thrown. */
function errorThrownBy(run: () => unknown): ClientRegistryError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientRegistryError);
    return error as ClientRegistryError;
  }
  throw new Error('expected the client registry to refuse the input');
}

const problemsThrownBy = (run: () => unknown): readonly string[] => errorThrownBy(run).problems;

const problemsOf = (input: unknown, mode: Mode = 'test'): readonly string[] => problemsThrownBy(() => parseClientRecords(input, mode));

/**
 * Asserts that `record` is refused with exactly one problem, reported against its client_id and
 * `field`, and whose text contains every fragment of `says` (the rule ID among them).
 */
function expectRefused(record: Rec, field: string, says: string[], mode: Mode = 'test'): string {
  const problems = problemsOf([record], mode);
  expect(problems).toHaveLength(1);
  const problem = problems[0]!;
  expect(problem.startsWith(`client ${JSON.stringify(record.client_id)} field ${field}: `), problem).toBe(true);
  for (const fragment of says) expect(problem).toContain(fragment);
  return problem;
}

/** Every string reachable from `value`, with byte buffers also rendered as hex, base64 and text. */
function allRenderings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) {
    const buffer = Buffer.from(value);
    out.push(buffer.toString('hex'), buffer.toString('base64'), buffer.toString('base64url'), buffer.toString('utf8'), buffer.toString('latin1'));
  } else if (value && typeof value === 'object') {
    for (const key of Reflect.ownKeys(value)) {
      out.push(String(key));
      allRenderings((value as Record<PropertyKey, unknown>)[key], out);
    }
  }
  return out;
}

const tempDir = mkdtempSync(join(tmpdir(), 'registry-test-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
const writeTemp = (name: string, text: string): string => {
  const path = join(tempDir, name);
  writeFileSync(path, text);
  return path;
};

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('client registry', () => {
  it('CLIENT-01 the demo file loads in test mode with 3 clients and no warnings', () => {
    const { clients, warnings } = loadClientRecords(DEMO_CLIENTS, 'test');
    expect(clients.map((c) => c.client_id)).toEqual(['demo-web', 'demo-spa', 'demo-pkjwt']);
    expect(clients.map((c) => c.token_endpoint_auth_method)).toEqual(['client_secret_basic', 'none', 'private_key_jwt']);
    expect(warnings).toEqual([]);
  });

  it('ENV-03 the demo file (http://localhost redirect URIs) is refused in prod mode', () => {
    const problems = problemsThrownBy(() => loadClientRecords(DEMO_CLIENTS, 'prod'));
    expect(problems).toContainEqual(expect.stringMatching(/^client "demo-web" field redirect_uris\[0\]: .*https in prod mode.*CLIENT-08/));
    expect(problems).toContainEqual(expect.stringMatching(/^client "demo-spa" field redirect_uris\[0\]: .*CLIENT-08/));
  });

  describe('CLIENT-01 record fields', () => {
    it('CLIENT-01 accepts the base record and keeps its fields', () => {
      const client = registerOne(webClient(), 'prod');
      expect(client).toMatchObject({
        client_id: 'web-1',
        client_orgno: VALID_ORGNO,
        client_name: 'Web One',
        integration_type: 'idporten',
        application_type: 'web',
        redirect_uris: ['https://rp.example.com/callback'],
        post_logout_redirect_uris: ['https://rp.example.com/logged-out'],
      });
    });

    it('CLIENT-01 accepts the optional descriptive fields', () => {
      const client = registerOne(
        webClient({ supplier_orgno: VALID_ORGNO, description: 'A service', client_uri: 'https://rp.example.com/', created: '2024-05-01T12:00:00Z', last_updated: '2024-05-02T08:30:00.123+02:00' }),
      );
      expect(client).toMatchObject({ supplier_orgno: VALID_ORGNO, client_uri: 'https://rp.example.com/', created: '2024-05-01T12:00:00Z' });
    });

    it('CLIENT-01 refuses an unknown field by name', () => {
      expectRefused(webClient({ display_name: 'Old name' }), 'display_name', ['is not a client record field', 'CLIENT-01']);
    });

    it('CLIENT-01 requires client_orgno', () => {
      expectRefused(webClient({ client_orgno: undefined }), 'client_orgno', []);
    });

    for (const orgno of ['99182582', '9918258270', '99182582a', ' 91825827']) {
      it(`CLIENT-01 refuses client_orgno ${JSON.stringify(orgno)} that is not 9 digits`, () => {
        expectRefused(webClient({ client_orgno: orgno }), 'client_orgno', ['must be a 9-digit Norwegian organisation number']);
      });
    }

    it('CLIENT-01 refuses a client_orgno with a wrong mod-11 check digit', () => {
      expectRefused(webClient({ client_orgno: '991825828' }), 'client_orgno', ['wrong check digit']);
    });

    it('CLIENT-01 validates supplier_orgno like client_orgno', () => {
      expectRefused(webClient({ supplier_orgno: '991825820' }), 'supplier_orgno', ['wrong check digit']);
    });

    it('CLIENT-01 hasValidOrgnoCheckDigit implements the Brønnøysund mod-11 rule', () => {
      expect(hasValidOrgnoCheckDigit('991825827')).toBe(true);
      expect(hasValidOrgnoCheckDigit('991825010')).toBe(true); // remainder 0: check digit 0
      for (const digit of '012345689') expect(hasValidOrgnoCheckDigit(`99182582${digit}`)).toBe(false);
      for (const digit of '0123456789') expect(hasValidOrgnoCheckDigit(`99182507${digit}`)).toBe(false); // remainder 1: no valid digit
      expect(hasValidOrgnoCheckDigit('9918258279')).toBe(false); // ten digits
      expect(hasValidOrgnoCheckDigit('99182582')).toBe(false);
      expect(hasValidOrgnoCheckDigit('')).toBe(false);
    });

    for (const field of ['created', 'last_updated']) {
      it(`CLIENT-01 refuses ${field} that is not an ISO date-time`, () => {
        for (const value of ['2024-05-01', 'yesterday', '01.05.2024 12:00']) {
          expectRefused(webClient({ [field]: value }), field, ['must be an ISO 8601 date-time']);
        }
        expectRefused(webClient({ [field]: 1714560000 }), field, []);
      });
    }

    it('CLIENT-01 requires a non-empty client_name', () => {
      expectRefused(webClient({ client_name: '   ' }), 'client_name', ['must not be empty']);
    });

    it('CLIENT-01 refuses a client_uri that is not an http(s) URL', () => {
      expectRefused(webClient({ client_uri: 'javascript:alert(1)' }), 'client_uri', ['http(s) URL']);
      expectRefused(webClient({ client_uri: 'rp.example.com' }), 'client_uri', ['http(s) URL']);
    });

    it('CLIENT-01 accepts a client_id with spaces (RFC 6749 Appendix A.1) and refuses control characters', () => {
      expect(registerOne(webClient({ client_id: 'web 1' })).client_id).toBe('web 1');
      expectRefused(webClient({ client_id: 'web\n1' }), 'client_id', ['printable ASCII']);
    });

    it('CLIENT-01 reports a record without a client_id by its position', () => {
      expect(problemsOf([webClient(), 42])).toEqual([expect.stringMatching(/^client #2 \(no valid client_id\) field \(record\): /)]);
      expect(problemsOf([webClient({ client_id: undefined })])).toEqual([expect.stringMatching(/^client #1 \(no valid client_id\) field client_id: /)]);
    });

    it('CLIENT-01 refuses a file that is not a JSON array', () => {
      expect(problemsOf(webClient())).toEqual(['the file must hold a JSON array of client records']);
    });
  });

  describe('CLIENT-01 the clients file as a whole', () => {
    it('CLIENT-01 reports every broken record in one error', () => {
      const records = [
        webClient({ client_orgno: '991825828' }), // a type problem
        webClient({ client_id: 'ok-1' }),
        publicClient('browser', { refresh_token_usage: 'REUSE' }), // a cross-field rule
      ];
      const problems = problemsOf(records);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^client "web-1" field client_orgno: /);
      expect(problems[1]).toMatch(/^client "browser-1" field refresh_token_usage: .*CLIENT-13/);
      const error = errorThrownBy(() => parseClientRecords(records, 'test', 'clients.json'));
      expect(error.message).toContain('clients.json');
      expect(error.message).toContain('"web-1"');
      expect(error.message).toContain('"browser-1"');
    });

    it('CLIENT-01 refuses a duplicate client_id', () => {
      const problems = problemsOf([webClient(), webClient({ client_name: 'Web One again' })]);
      expect(problems).toEqual(['client "web-1" field client_id: is registered twice']);
    });

    it('CLIENT-01 loadClientRecords reads a valid file', () => {
      const path = writeTemp('valid.json', JSON.stringify([webClient(), keyClient()]));
      const { clients, warnings } = loadClientRecords(path, 'prod');
      expect(clients.map((c) => c.client_id)).toEqual(['web-1', 'pkjwt-1']);
      expect(warnings).toEqual([]);
    });

    it('CLIENT-01 loadClientRecords reports a missing file as an unreadable OP_CLIENTS_FILE', () => {
      const path = join(tempDir, 'does-not-exist.json');
      const problems = problemsThrownBy(() => loadClientRecords(path, 'test'));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('OP_CLIENTS_FILE cannot be read');
      expect(problems[0]).toContain('ENOENT');
    });

    it('CLIENT-01 loadClientRecords reports invalid JSON in OP_CLIENTS_FILE', () => {
      const path = writeTemp('broken.json', '[{"client_id": "web-1",]');
      const problems = problemsThrownBy(() => loadClientRecords(path, 'test'));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('OP_CLIENTS_FILE is not valid JSON');
    });

    it('CLIENT-01 loadClientRecords names the file in a refusal', () => {
      const path = writeTemp('bad-record.json', JSON.stringify([webClient({ display_name: 'x' })]));
      const error = errorThrownBy(() => loadClientRecords(path, 'test'));
      expect(error.message).toContain(path);
      expect(error.problems).toEqual(['client "web-1" field display_name: is not a client record field (CLIENT-01)']);
    });
  });

  describe('CLIENT-02 integration_type', () => {
    for (const type of ['ansattporten', 'krr', 'eformidling']) {
      it(`CLIENT-02 refuses the known but unsupported integration_type ${type} as not supported`, () => {
        expectRefused(webClient({ integration_type: type }), 'integration_type', [`"${type}" is not supported`, 'CLIENT-02']);
      });
    }

    it('CLIENT-02 refuses an unknown integration_type', () => {
      const problem = expectRefused(webClient({ integration_type: 'sandbox' }), 'integration_type', ['must be idporten, api_klient or maskinporten (CLIENT-02)']);
      expect(problem).not.toContain('not supported');
    });

    it('CLIENT-02 requires integration_type', () => {
      expectRefused(webClient({ integration_type: undefined }), 'integration_type', []);
    });
  });

  describe('CLIENT-03 allowed combinations', () => {
    for (const integrationType of ['idporten', 'api_klient']) {
      for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt']) {
        it(`CLIENT-03 accepts ${integrationType} × web × ${method}`, () => {
          const record = method === 'private_key_jwt' ? keyClient({ integration_type: integrationType }) : webClient({ integration_type: integrationType, token_endpoint_auth_method: method });
          const client = registerOne(record, 'prod');
          expect(client).toMatchObject({ integration_type: integrationType, application_type: 'web', token_endpoint_auth_method: method });
        });
      }
      for (const applicationType of ['browser', 'native'] as const) {
        it(`CLIENT-03 accepts ${integrationType} × ${applicationType} × none`, () => {
          const client = registerOne(publicClient(applicationType, { integration_type: integrationType }), 'prod');
          expect(client).toMatchObject({ integration_type: integrationType, application_type: applicationType, token_endpoint_auth_method: 'none' });
        });
      }
    }

    it('CLIENT-03 accepts grant_types authorization_code alone', () => {
      expect(registerOne(webClient({ grant_types: ['authorization_code'] })).grant_types).toEqual(['authorization_code']);
    });

    it('CLIENT-03 defaults to a web client with client_secret_basic and authorization_code', () => {
      const client = registerOne(webClient({ application_type: undefined, token_endpoint_auth_method: undefined, grant_types: undefined }));
      expect(client).toMatchObject({ application_type: 'web', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'] });
    });

    it('CLIENT-03 refuses token_endpoint_auth_method none for a web client', () => {
      expectRefused(webClient({ token_endpoint_auth_method: 'none', client_secret: undefined }), 'token_endpoint_auth_method', ['must not be none for a web client', 'CLIENT-03']);
    });

    it('CLIENT-03 refuses client_secret_basic for a browser client', () => {
      expectRefused(publicClient('browser', { token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET }), 'token_endpoint_auth_method', [
        'must be none for a browser client',
        'CLIENT-03',
      ]);
    });

    it('CLIENT-03 refuses private_key_jwt for a native client', () => {
      expectRefused(keyClient({ client_id: 'native-1', application_type: 'native', redirect_uris: ['no.example.app:/cb'], post_logout_redirect_uris: ['no.example.app:/out'] }), 'token_endpoint_auth_method', [
        'must be none for a native client',
        'CLIENT-03',
      ]);
    });

    it('CLIENT-03 refuses grant_types without authorization_code', () => {
      expectRefused(webClient({ grant_types: ['refresh_token'] }), 'grant_types', ['must include authorization_code', 'CLIENT-03']);
    });

    it('CLIENT-03 refuses an unknown grant type', () => {
      expectRefused(webClient({ grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'] }), 'grant_types[1]', ['CLIENT-03']);
      expectRefused(webClient({ grant_types: ['authorization_code', 'client_credentials'] }), 'grant_types[1]', ['CLIENT-03']);
    });

    it('CLIENT-03 refuses an empty or repeated grant_types list', () => {
      expectRefused(webClient({ grant_types: [] }), 'grant_types', ['must not be empty']);
      expectRefused(webClient({ grant_types: ['authorization_code', 'authorization_code'] }), 'grant_types', ['must not repeat']);
    });

    it('CLIENT-03 refuses an unknown application_type and auth method', () => {
      expectRefused(webClient({ application_type: 'service' }), 'application_type', ['CLIENT-03']);
      expectRefused(webClient({ token_endpoint_auth_method: 'tls_client_auth' }), 'token_endpoint_auth_method', ['CLIENT-03']);
    });
  });

  describe('CLIENT-04 client types', () => {
    it('CLIENT-04 marks browser and native clients public and web clients confidential', () => {
      const { clients } = register([webClient(), keyClient(), publicClient('browser'), publicClient('native')]);
      expect(clients.map((c) => [c.client_id, c.isPublic])).toEqual([
        ['web-1', false],
        ['pkjwt-1', false],
        ['browser-1', true],
        ['native-1', true],
      ]);
    });
  });

  describe('AUTHZ-06 scopes by integration type', () => {
    it('AUTHZ-06 gives an idporten client openid and profile by default', () => {
      expect(registerOne(webClient({ scopes: undefined })).scopes).toEqual(['openid', 'profile']);
    });

    it('AUTHZ-06 accepts openid and profile in any order for idporten', () => {
      expect(registerOne(webClient({ scopes: ['profile', 'openid'] })).scopes).toEqual(['profile', 'openid']);
    });

    for (const scopes of [['openid'], ['profile'], [], ['openid', 'profile', 'nav:benefits/read']]) {
      it(`AUTHZ-06 refuses idporten scopes ${JSON.stringify(scopes)} that are not exactly openid and profile`, () => {
        expectRefused(webClient({ scopes }), 'scopes', ['must be exactly openid and profile', 'AUTHZ-06']);
      });
    }

    it('AUTHZ-06 CLIENT-16 lets an api_klient add API scopes of the scope registry to openid and profile', () => {
      const scopes = ['openid', 'profile', 'nav:benefits/read', 'skatteetaten:formue'];
      const registry = parseScopeRecords(
        ['nav:benefits/read', 'skatteetaten:formue'].map((name) => ({ name, prefix: name.split(':')[0], subscope: name.split(':')[1], description: name, owner_orgno: VALID_ORGNO, allowed_integration_types: ['api_klient'] })),
      );
      expect(parseClientRecords([webClient({ integration_type: 'api_klient', scopes })], 'test', 'clients', registry).clients[0]!.scopes).toEqual(scopes);
    });

    for (const scopes of [['profile', 'idporten:token.introspection'], ['openid', 'idporten:token.introspection'], ['idporten:token.introspection']]) {
      it(`AUTHZ-06 refuses api_klient scopes ${JSON.stringify(scopes)} without openid and profile`, () => {
        expectRefused(webClient({ integration_type: 'api_klient', scopes }), 'scopes', ['must include openid and profile', 'CLIENT-03']);
      });
    }

    it('AUTHZ-06 refuses a repeated scope and a scope that is not a scope token', () => {
      expectRefused(webClient({ scopes: ['openid', 'profile', 'openid'] }), 'scopes', ['must not repeat a scope']);
      expectRefused(webClient({ integration_type: 'api_klient', scopes: ['openid', 'profile', 'bad scope'] }), 'scopes[2]', ['scope token']);
    });
  });

  describe('CLIENT-06 client_secret', () => {
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      it(`CLIENT-06 requires client_secret for ${method}`, () => {
        expectRefused(webClient({ token_endpoint_auth_method: method, client_secret: undefined }), 'client_secret', [`is required for ${method}`, 'CLIENT-06']);
      });
    }

    it('CLIENT-06 refuses client_secret for a client with auth method none', () => {
      expectRefused(publicClient('browser', { client_secret: SECRET }), 'client_secret', ['must not be set for none', 'CLIENT-06']);
    });

    it('CLIENT-06 refuses client_secret for a private_key_jwt client', () => {
      expectRefused(keyClient({ client_secret: SECRET }), 'client_secret', ['must not be set for private_key_jwt', 'CLIENT-06']);
    });

    it('CLIENT-06 refuses a secret shorter than 32 characters and accepts 32', () => {
      expectRefused(webClient({ client_secret: 's'.repeat(31) }), 'client_secret', ['at least 32 characters', 'CLIENT-06']);
      expect(registerOne(webClient({ client_secret: 's'.repeat(32) })).secret).toBeDefined();
    });

    it('CLIENT-06 keeps no clear-text secret in the registered client', () => {
      const client = registerOne(webClient({ client_secret_expires_at: 1_900_000_000 }));
      expect(client).not.toHaveProperty('client_secret');
      expect(client).not.toHaveProperty('client_secret_expires_at');
      expect(client.secret?.hash).toBeInstanceOf(Buffer);
      expect(JSON.stringify(client)).not.toContain(SECRET);
      const renderings = allRenderings(client);
      expect(renderings.length).toBeGreaterThan(10);
      expect(renderings.filter((text) => text.includes(SECRET))).toEqual([]);
      for (const encoded of [Buffer.from(SECRET).toString('hex'), Buffer.from(SECRET).toString('base64')]) {
        expect(renderings.filter((text) => text.includes(encoded))).toEqual([]);
      }
    });

    it('CLIENT-06 never repeats the clear-text secret in a refusal', () => {
      const short = 'too-short-secret-value';
      const problems = problemsOf([webClient({ client_secret: short }), publicClient('browser', { client_secret: SECRET })]);
      expect(problems).toHaveLength(2);
      for (const problem of problems) {
        expect(problem).not.toContain(short);
        expect(problem).not.toContain(SECRET);
      }
    });

    it('CLIENT-06 keeps the secret expiry in milliseconds, and none when it is 0', () => {
      expect(registerOne(webClient({ client_secret_expires_at: 1_900_000_000 })).secret?.expiresAt).toBe(1_900_000_000_000);
      expect(registerOne(webClient({ client_secret_expires_at: 0 })).secret?.expiresAt).toBeUndefined();
    });
  });

  describe('TOKEN-05 verifyClientSecret', () => {
    const now = Date.UTC(2025, 0, 1);

    it('TOKEN-05 accepts the registered secret', () => {
      expect(verifyClientSecret(registerOne(webClient()), SECRET, now)).toBe(true);
    });

    it('TOKEN-05 refuses a wrong secret of the same length', () => {
      const wrong = `${SECRET.slice(0, -1)}${SECRET.endsWith('z') ? 'y' : 'z'}`;
      expect(wrong).toHaveLength(SECRET.length);
      expect(verifyClientSecret(registerOne(webClient()), wrong, now)).toBe(false);
    });

    it('TOKEN-05 refuses a secret of the wrong length', () => {
      const client = registerOne(webClient());
      for (const presented of ['', SECRET.slice(0, 10), `${SECRET}x`, `${SECRET} `]) expect(verifyClientSecret(client, presented, now)).toBe(false);
    });

    it('TOKEN-05 refuses a secret after client_secret_expires_at', () => {
      const expiresAt = 1_750_000_000; // seconds
      const client = registerOne(webClient({ client_secret_expires_at: expiresAt }));
      expect(verifyClientSecret(client, SECRET, expiresAt * 1000 - 1)).toBe(true);
      expect(verifyClientSecret(client, SECRET, expiresAt * 1000)).toBe(false);
      expect(verifyClientSecret(client, SECRET, expiresAt * 1000 + 86_400_000)).toBe(false);
    });

    it('TOKEN-05 treats client_secret_expires_at 0 as never expiring', () => {
      expect(verifyClientSecret(registerOne(webClient({ client_secret_expires_at: 0 })), SECRET, Date.UTC(2100, 0, 1))).toBe(true);
    });

    it('TOKEN-05 refuses any secret for a client that has none', () => {
      for (const client of register([keyClient(), publicClient('browser')]).clients) {
        expect(verifyClientSecret(client, '', now)).toBe(false);
        expect(verifyClientSecret(client, SECRET, now)).toBe(false);
      }
    });
  });

  describe('CLIENT-07 jwks', () => {
    it('CLIENT-07 accepts a 2048-bit RS256 signing key and keeps it on the client', () => {
      const client = registerOne(keyClient(), 'prod');
      expect(client.jwks?.keys).toEqual([signingJwk('key-1')]);
    });

    it('CLIENT-07 TOKEN-08 lets a private_key_jwt client without jwks authenticate with a business certificate', () => {
      expect(registerOne(keyClient({ jwks: undefined })).jwks).toBeUndefined();
    });

    it('CLIENT-07 refuses jwks on a client_secret client and on a public client', () => {
      const jwks = { keys: [signingJwk('key-1')] };
      expectRefused(webClient({ jwks }), 'jwks', ['is only for private_key_jwt clients', 'CLIENT-07']);
      expectRefused(publicClient('native', { jwks }), 'jwks', ['is only for private_key_jwt clients', 'CLIENT-07']);
    });

    it('CLIENT-07 requires 1 to 5 keys', () => {
      const keys = (count: number) => Array.from({ length: count }, (_, i) => signingJwk(`key-${i + 1}`));
      expectRefused(keyClient({ jwks: { keys: [] } }), 'jwks.keys', ['must hold 1 to 5 keys', 'CLIENT-07']);
      expectRefused(keyClient({ jwks: { keys: keys(6) } }), 'jwks.keys', ['must hold 1 to 5 keys', 'CLIENT-07']);
      expect(registerOne(keyClient({ jwks: { keys: keys(5) } })).jwks?.keys).toHaveLength(5);
    });

    const wrongMembers: [string, Rec, string][] = [
      ['kty EC', { kty: 'EC' }, 'kty'],
      ['alg RS512', { alg: 'RS512' }, 'alg'],
      ['use enc', { use: 'enc' }, 'use'],
      ['no use', { use: undefined }, 'use'],
      ['no alg', { alg: undefined }, 'alg'],
    ];
    for (const [label, overrides, member] of wrongMembers) {
      it(`CLIENT-07 refuses a key with ${label}`, () => {
        expectRefused(keyClient({ jwks: { keys: [signingJwk('key-1', overrides)] } }), `jwks.keys[0].${member}`, ['CLIENT-07']);
      });
    }

    it('CLIENT-07 refuses a 1024-bit RSA key', () => {
      expectRefused(keyClient({ jwks: { keys: [signingJwk('key-1', {}, RSA_1024.publicJwk)] } }), 'jwks.keys[0].n', ['at least 2048 bits', 'CLIENT-07']);
    });

    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
      it(`CLIENT-07 refuses a key carrying the private member ${member}`, () => {
        const key = signingJwk('key-1', { [member]: RSA_2048.privateJwk[member] });
        expectRefused(keyClient({ jwks: { keys: [key] } }), `jwks.keys[0].${member}`, ['private key material']);
      });
    }

    it('CLIENT-07 accepts a kid of A-Z a-z 0-9 . _ -', () => {
      expect(registerOne(keyClient({ jwks: { keys: [signingJwk('Key_1.a-B')] } })).jwks?.keys[0]?.kid).toBe('Key_1.a-B');
    });

    for (const kid of ['key 1', 'key/1', 'nøkkel', '']) {
      it(`CLIENT-07 refuses kid ${JSON.stringify(kid)} outside the charset`, () => {
        expectRefused(keyClient({ jwks: { keys: [signingJwk(kid)] } }), 'jwks.keys[0].kid', ['A-Z a-z 0-9 . _ -', 'CLIENT-07']);
      });
    }

    it('CLIENT-07 refuses a kid used twice inside one client', () => {
      expectRefused(keyClient({ jwks: { keys: [signingJwk('key-1'), signingJwk('key-1')] } }), 'jwks.keys[1].kid', ['must be unique', 'CLIENT-07']);
    });

    it('CLIENT-07 refuses a kid used by two clients', () => {
      const problems = problemsOf([keyClient(), keyClient({ client_id: 'pkjwt-2' })]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^client "pkjwt-2" field jwks\.keys\.kid: /);
      expect(problems[0]).toContain('"key-1" is already used by client "pkjwt-1"');
      expect(problems[0]).toContain('CLIENT-07');
    });

    it('CLIENT-07 modulusBits measures the RSA modulus', () => {
      expect(modulusBits(RSA_2048.publicJwk.n!)).toBe(2048);
      expect(modulusBits(RSA_1024.publicJwk.n!)).toBe(1024);
      expect(modulusBits(Buffer.from([0x00, 0x00, 0x01, 0xff]).toString('base64url'))).toBe(9);
      expect(modulusBits(Buffer.from([0x80]).toString('base64url'))).toBe(8);
      expect(modulusBits(Buffer.from([0x00]).toString('base64url'))).toBe(0);
      expect(modulusBits('')).toBe(0);
    });
  });

  describe('CLIENT-08 redirect URIs', () => {
    for (const uri of ['http://localhost:8080/callback', 'http://rp.example.com/callback', 'http://127.0.0.1:8080/callback']) {
      it(`CLIENT-08 accepts ${uri} for a web client in test mode`, () => {
        expect(registerOne(webClient({ redirect_uris: [uri] }), 'test').redirect_uris).toEqual([uri]);
      });
    }

    it('CLIENT-08 refuses https://localhost in test mode', () => {
      expectRefused(webClient({ redirect_uris: ['https://localhost:8443/callback'] }), 'redirect_uris[0]', ['must use http:// for localhost', 'CLIENT-08']);
    });

    it('CLIENT-08 refuses a redirect URI with a fragment', () => {
      expectRefused(webClient({ redirect_uris: ['https://rp.example.com/callback#section'] }), 'redirect_uris[0]', ['must not contain a fragment', 'CLIENT-08']);
      expectRefused(webClient({ redirect_uris: ['https://rp.example.com/callback#'] }), 'redirect_uris[0]', ['must not contain a fragment', 'CLIENT-08']);
    });

    for (const uri of ['/callback', 'rp.example.com/callback', '']) {
      it(`CLIENT-08 refuses the relative redirect URI ${JSON.stringify(uri)}`, () => {
        expectRefused(webClient({ redirect_uris: [uri] }), 'redirect_uris[0]', ['must be an absolute URI', 'CLIENT-08']);
      });
    }

    it('CLIENT-08 refuses a redirect URI with credentials or white space', () => {
      expectRefused(webClient({ redirect_uris: ['https://user:pw@rp.example.com/callback'] }), 'redirect_uris[0]', ['must not contain credentials']);
      expectRefused(webClient({ redirect_uris: [' https://rp.example.com/callback'] }), 'redirect_uris[0]', ['spaces or control characters', 'CLIENT-08']);
      expectRefused(webClient({ redirect_uris: ['https://rp.example.com/call back'] }), 'redirect_uris[0]', ['spaces or control characters', 'CLIENT-08']);
    });

    it('CLIENT-08 refuses an empty or repeated redirect_uris list', () => {
      expectRefused(webClient({ redirect_uris: [] }), 'redirect_uris', ['at least one']);
      expectRefused(webClient({ redirect_uris: ['https://rp.example.com/callback', 'https://rp.example.com/callback'] }), 'redirect_uris[1]', ['is listed twice']);
    });

    it('CLIENT-08 refuses a non-https scheme for a web client', () => {
      expectRefused(webClient({ redirect_uris: ['ftp://rp.example.com/callback'] }), 'redirect_uris[0]', ['must be an https URI', 'CLIENT-08']);
    });

    it('CLIENT-08 accepts https redirect URIs in prod mode', () => {
      expect(registerOne(webClient({ redirect_uris: ['https://rp.example.com/a', 'https://rp.example.com:8443/b?x=1'] }), 'prod').redirect_uris).toHaveLength(2);
    });

    it('CLIENT-08 refuses http for a web client in prod mode', () => {
      expectRefused(webClient({ redirect_uris: ['http://rp.example.com/callback'] }), 'redirect_uris[0]', ['must be https in prod mode', 'CLIENT-08'], 'prod');
    });

    it('CLIENT-08 refuses loopback http for web and browser clients in prod mode', () => {
      expectRefused(webClient({ redirect_uris: ['http://localhost:8080/callback'] }), 'redirect_uris[0]', ['must be https in prod mode', 'CLIENT-08'], 'prod');
      expectRefused(publicClient('browser', { redirect_uris: ['http://127.0.0.1:5173/callback'] }), 'redirect_uris[0]', ['must be https in prod mode', 'CLIENT-08'], 'prod');
    });

    for (const uri of ['http://127.0.0.1:8080/callback', 'http://localhost:8080/callback', 'http://[::1]:8080/callback']) {
      it(`CLIENT-08 accepts loopback ${uri} for a native client in prod mode`, () => {
        expect(registerOne(publicClient('native', { redirect_uris: [uri] }), 'prod').redirect_uris).toEqual([uri]);
      });
    }

    it('CLIENT-08 refuses non-loopback http for a native client in prod mode', () => {
      expectRefused(publicClient('native', { redirect_uris: ['http://app.example.com/callback'] }), 'redirect_uris[0]', ['must be https in prod mode', 'CLIENT-08'], 'prod');
    });
  });

  describe('CLIENT-09 native redirect URIs', () => {
    for (const mode of ['test', 'prod'] as const) {
      for (const uri of ['http://127.0.0.1:0/cb', 'no.example.app:/cb', 'https://app.example.com/cb']) {
        it(`CLIENT-09 accepts ${uri} for a native client in ${mode} mode`, () => {
          expect(registerOne(publicClient('native', { redirect_uris: [uri] }), mode).redirect_uris).toEqual([uri]);
        });
      }
    }

    it('CLIENT-09 refuses a private-use scheme without a dot for a native client', () => {
      expectRefused(publicClient('native', { redirect_uris: ['myapp:/cb'] }), 'redirect_uris[0]', ['private-use scheme in reverse-domain form', 'CLIENT-09']);
    });

    it('CLIENT-09 refuses a private-use scheme for a web or browser client', () => {
      expectRefused(webClient({ redirect_uris: ['no.example.app:/cb'] }), 'redirect_uris[0]', ['must be an https URI', 'CLIENT-08']);
      expectRefused(publicClient('browser', { redirect_uris: ['no.example.app:/cb'] }), 'redirect_uris[0]', ['must be an https URI', 'CLIENT-08']);
    });

    it('CLIENT-09 refuses http://127.0.0.1:0 (any port) for a web client', () => {
      expectRefused(webClient({ redirect_uris: ['http://127.0.0.1:0/cb'] }), 'redirect_uris[0]', ['is only for native clients', 'CLIENT-09']);
    });

    it('CLIENT-09 refuses http://127.0.0.1:0 (any port) for a browser client', () => {
      expectRefused(publicClient('browser', { redirect_uris: ['http://127.0.0.1:0/cb'] }), 'redirect_uris[0]', ['is only for native clients', 'CLIENT-09']);
    });
  });

  describe('CLIENT-10 post_logout_redirect_uris', () => {
    it('CLIENT-10 requires post_logout_redirect_uris', () => {
      expectRefused(webClient({ post_logout_redirect_uris: undefined }), 'post_logout_redirect_uris', []);
    });

    it('CLIENT-10 refuses an empty post_logout_redirect_uris list', () => {
      expectRefused(webClient({ post_logout_redirect_uris: [] }), 'post_logout_redirect_uris', ['must list at least one URI', 'CLIENT-10']);
    });

    it('CLIENT-10 refuses a post-logout URI with a fragment', () => {
      expectRefused(webClient({ post_logout_redirect_uris: ['https://rp.example.com/out#x'] }), 'post_logout_redirect_uris[0]', ['must not contain a fragment', 'CLIENT-10']);
    });

    it('CLIENT-10 refuses a relative post-logout URI', () => {
      expectRefused(webClient({ post_logout_redirect_uris: ['/logged-out'] }), 'post_logout_redirect_uris[0]', ['must be an absolute URI', 'CLIENT-10']);
    });

    it('CLIENT-10 refuses https://localhost as a post-logout URI in test mode', () => {
      expectRefused(webClient({ post_logout_redirect_uris: ['https://localhost/out'] }), 'post_logout_redirect_uris[0]', ['must use http:// for localhost', 'CLIENT-10']);
    });

    it('CLIENT-10 accepts http post-logout URIs in test mode and refuses them for a web client in prod mode', () => {
      expect(registerOne(webClient({ post_logout_redirect_uris: ['http://localhost:8080/out'] }), 'test').post_logout_redirect_uris).toEqual(['http://localhost:8080/out']);
      expectRefused(webClient({ post_logout_redirect_uris: ['http://rp.example.com/out'] }), 'post_logout_redirect_uris[0]', ['must be https in prod mode', 'CLIENT-10'], 'prod');
    });

    it('CLIENT-10 refuses a post-logout URI listed twice', () => {
      expectRefused(webClient({ post_logout_redirect_uris: ['https://rp.example.com/out', 'https://rp.example.com/out'] }), 'post_logout_redirect_uris[1]', ['is listed twice']);
    });

    it('CLIENT-10 refuses the any-port loopback form, which exact matching could never meet', () => {
      expectRefused(publicClient('native', { post_logout_redirect_uris: ['http://127.0.0.1:0/out'] }), 'post_logout_redirect_uris[0]', ['must name a real port', 'CLIENT-10']);
    });

    it('CLIENT-10 accepts a private-use scheme post-logout URI for a native client only', () => {
      expect(registerOne(publicClient('native', { post_logout_redirect_uris: ['no.example.app:/out'] }), 'prod').post_logout_redirect_uris).toEqual(['no.example.app:/out']);
      expectRefused(publicClient('native', { post_logout_redirect_uris: ['myapp:/out'] }), 'post_logout_redirect_uris[0]', ['CLIENT-09']);
    });
  });

  describe('CLIENT-11 frontchannel_logout_uri', () => {
    it('CLIENT-11 accepts a frontchannel_logout_uri on a redirect URI host; session_required defaults to false', () => {
      const client = registerOne(webClient({ frontchannel_logout_uri: 'https://rp.example.com/frontchannel' }), 'prod');
      expect(client.frontchannel_logout_uri).toBe('https://rp.example.com/frontchannel');
      expect(client.frontchannel_logout_session_required).toBe(false);
    });

    it('CLIENT-11 keeps frontchannel_logout_session_required true', () => {
      expect(registerOne(webClient({ frontchannel_logout_uri: 'https://rp.example.com/fc', frontchannel_logout_session_required: true })).frontchannel_logout_session_required).toBe(true);
    });

    it('CLIENT-11 accepts a host shared with any one of the redirect URIs', () => {
      const record = webClient({ redirect_uris: ['https://a.example.com/cb', 'https://b.example.com/cb'], frontchannel_logout_uri: 'https://b.example.com/fc' });
      expect(registerOne(record).frontchannel_logout_uri).toBe('https://b.example.com/fc');
    });

    it('CLIENT-11 refuses a frontchannel_logout_uri on another host', () => {
      expectRefused(webClient({ frontchannel_logout_uri: 'https://other.example.com/fc' }), 'frontchannel_logout_uri', ['same scheme, host and port', 'CLIENT-11']);
    });

    it('CLIENT-11 refuses a frontchannel_logout_uri with a fragment', () => {
      expectRefused(webClient({ frontchannel_logout_uri: 'https://rp.example.com/fc#x' }), 'frontchannel_logout_uri', ['must not contain a fragment']);
    });

    it('CLIENT-11 refuses a relative frontchannel_logout_uri', () => {
      expectRefused(webClient({ frontchannel_logout_uri: '/fc' }), 'frontchannel_logout_uri', ['must be an absolute URI', 'CLIENT-11']);
    });

    it('CLIENT-11 accepts http in test mode and refuses it in prod mode', () => {
      // FCL §2: the same scheme as a redirect URI, so an http logout URI goes with an http redirect URI.
      const record = webClient({ redirect_uris: ['http://rp.example.com/cb'], frontchannel_logout_uri: 'http://rp.example.com/fc' });
      expect(registerOne(record, 'test').frontchannel_logout_uri).toBe('http://rp.example.com/fc');
      expect(problemsOf([record], 'prod')).toContainEqual(expect.stringContaining('field frontchannel_logout_uri: must be https in prod mode'));
    });
  });

  describe('CLIENT-12 lifetimes', () => {
    it('CLIENT-12 applies the defaults 7200/120/600 without warnings', () => {
      const { clients, warnings } = register([webClient()]);
      expect(clients[0]).toMatchObject({ authorization_lifetime: 7200, access_token_lifetime: 120, refresh_token_lifetime: 600 });
      expect(warnings).toEqual([]);
    });

    it('CLIENT-12 accepts access < refresh = authorization without warnings', () => {
      const { warnings } = register([webClient({ access_token_lifetime: 60, refresh_token_lifetime: 3600, authorization_lifetime: 3600 })]);
      expect(warnings).toEqual([]);
    });

    for (const [label, lifetimes] of [
      ['access = refresh', { access_token_lifetime: 600 }],
      ['access > refresh', { access_token_lifetime: 900 }],
      ['refresh > authorization', { refresh_token_lifetime: 8000 }],
    ] as const) {
      it(`CLIENT-12 warns but registers the client when ${label}`, () => {
        const { clients, warnings } = register([webClient(lifetimes)]);
        expect(clients).toHaveLength(1);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain('"web-1"');
        expect(warnings[0]).toContain('CLIENT-12');
      });
    }

    it('CLIENT-12 refuses a lifetime that is not a positive whole number of seconds', () => {
      expectRefused(webClient({ access_token_lifetime: 0 }), 'access_token_lifetime', ['at least 1 second']);
      expectRefused(webClient({ refresh_token_lifetime: 1.5 }), 'refresh_token_lifetime', ['whole number']);
      expectRefused(webClient({ authorization_lifetime: '7200' }), 'authorization_lifetime', ['number of seconds']);
    });
  });

  describe('CLIENT-13 refresh_token_usage', () => {
    it('CLIENT-13 defaults to ONETIME', () => {
      expect(registerOne(webClient()).refresh_token_usage).toBe('ONETIME');
      expect(registerOne(publicClient('browser')).refresh_token_usage).toBe('ONETIME');
    });

    it('CLIENT-13 accepts REUSE for a confidential web client', () => {
      expect(registerOne(webClient({ refresh_token_usage: 'REUSE' })).refresh_token_usage).toBe('REUSE');
    });

    for (const applicationType of ['browser', 'native'] as const) {
      it(`CLIENT-13 refuses REUSE for a ${applicationType} client`, () => {
        expectRefused(publicClient(applicationType, { refresh_token_usage: 'REUSE' }), 'refresh_token_usage', ['must be ONETIME for a public client', 'CLIENT-13']);
      });
    }

    it('CLIENT-13 refuses an unknown refresh_token_usage', () => {
      expectRefused(webClient({ refresh_token_usage: 'ALWAYS' }), 'refresh_token_usage', ['must be ONETIME or REUSE', 'CLIENT-13']);
    });
  });

  describe('CLIENT-14 sso_disabled', () => {
    it('CLIENT-14 defaults sso_disabled to false', () => {
      expect(registerOne(webClient()).sso_disabled).toBe(false);
    });

    it('CLIENT-14 keeps sso_disabled true and refuses a non-boolean', () => {
      expect(registerOne(webClient({ sso_disabled: true })).sso_disabled).toBe(true);
      expectRefused(webClient({ sso_disabled: 'yes' }), 'sso_disabled', []);
    });
  });

  describe('CLIENT-15 code_challenge_method', () => {
    it('CLIENT-15 defaults to S256', () => {
      expect(registerOne(webClient()).code_challenge_method).toBe('S256');
      expect(registerOne(publicClient('native')).code_challenge_method).toBe('S256');
    });

    it('CLIENT-15 accepts none for a confidential web client', () => {
      expect(registerOne(webClient({ code_challenge_method: 'none' })).code_challenge_method).toBe('none');
      expect(registerOne(keyClient({ code_challenge_method: 'none' })).code_challenge_method).toBe('none');
    });

    for (const applicationType of ['browser', 'native'] as const) {
      it(`CLIENT-15 refuses none for a ${applicationType} client`, () => {
        expectRefused(publicClient(applicationType, { code_challenge_method: 'none' }), 'code_challenge_method', ['only for a confidential web client', 'CLIENT-15']);
      });
    }

    it('CLIENT-15 refuses plain', () => {
      expectRefused(webClient({ code_challenge_method: 'plain' }), 'code_challenge_method', ['must be S256 or none', 'CLIENT-15']);
    });
  });

  describe('CLIENT-17 active', () => {
    const registry = (): StaticClientRegistry =>
      new StaticClientRegistry(register([webClient(), publicClient('browser', { active: false }), keyClient({ active: true })]).clients);

    it('CLIENT-17 defaults active to true', () => {
      expect(registerOne(webClient()).active).toBe(true);
    });

    it('CLIENT-17 an inactive client is unknown to find', () => {
      expect(registry().find('browser-1')).toBeUndefined();
    });

    it('CLIENT-17 active clients are found by client_id, unknown ids are not', () => {
      expect(registry().find('web-1')?.client_id).toBe('web-1');
      expect(registry().find('pkjwt-1')?.client_id).toBe('pkjwt-1');
      expect(registry().find('nobody')).toBeUndefined();
      expect(registry().find('WEB-1')).toBeUndefined();
    });

    it('CLIENT-17 all() lists inactive clients too', () => {
      expect(registry().all().map((c) => [c.client_id, c.active])).toEqual([
        ['web-1', true],
        ['browser-1', false],
        ['pkjwt-1', true],
      ]);
    });

    it('CLIENT-17 refuses a non-boolean active', () => {
      expectRefused(webClient({ active: 'false' }), 'active', []);
    });
  });
});
