// Machine clients in the client registry (CLIENT-02, CLIENT-03, CLIENT-04, CLIENT-07, TOKEN-21):
// integration_type maskinporten authenticates with private_key_jwt only (a registered key, or a
// business certificate when it has no jwks), uses only the JWT-bearer grant, has no redirect or
// logout URIs and never a static secret; its scopes come from the scope registry.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClientRegistryError, parseClientRecords, usesBusinessCertificates } from '../../src/registry/client-registry.js';
import { parseScopeRecords } from '../../src/registry/scope-registry.js';
import { issueTestBusinessCertificate, x5cOf } from '../../scripts/business-certificates.js';

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const orgno = '991825827';
const scopes = parseScopeRecords([
  { name: 'nav:api', prefix: 'nav', subscope: 'api', description: 'A machine API', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true },
]);

type Rec = Record<string, unknown>;
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'machine-key-1' };

/** The smallest machine client record: its defaults do the rest. */
const machine = (overrides: Rec = {}): Rec =>
  Object.fromEntries(Object.entries({ client_id: 'machine-1', client_name: 'Machine', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['nav:api'], ...overrides }).filter(([, v]) => v !== undefined));

function problems(record: Rec): readonly string[] {
  try {
    parseClientRecords([record], 'prod', 'clients.json', scopes);
  } catch (error) {
    expect(error).toBeInstanceOf(ClientRegistryError);
    return (error as ClientRegistryError).problems;
  }
  return [];
}

describe('machine clients in the registry', () => {
  it('CLIENT-02 CLIENT-03 a maskinporten record defaults to private_key_jwt, the JWT-bearer grant and no URIs', () => {
    const [client] = parseClientRecords([machine()], 'prod', 'clients.json', scopes).clients;
    expect(client).toMatchObject({ integration_type: 'maskinporten', application_type: 'web', token_endpoint_auth_method: 'private_key_jwt', grant_types: [jwtBearer], scopes: ['nav:api'], redirect_uris: [], post_logout_redirect_uris: [] });
    expect(client!.secret).toBeUndefined();
  });

  it('TOKEN-08 CLIENT-07 without jwks a machine client authenticates with a business certificate; with jwks by its key', () => {
    const [withCertificate, withKey] = parseClientRecords([machine(), machine({ client_id: 'machine-2', jwks: { keys: [jwk] } })], 'prod', 'clients.json', scopes).clients;
    expect(usesBusinessCertificates(withCertificate!)).toBe(true);
    expect(usesBusinessCertificates(withKey!)).toBe(false);
  });

  it('CLIENT-04 CLIENT-03 a machine client never has a static secret: secret methods and client_secret are refused', () => {
    expect(problems(machine({ token_endpoint_auth_method: 'client_secret_basic', client_secret: 'a-machine-client-secret-0123456789-012345' }))).toEqual([
      'client "machine-1" field token_endpoint_auth_method: must be private_key_jwt for integration_type maskinporten: machine clients never use a static secret (CLIENT-03, CLIENT-04)',
    ]);
    expect(problems(machine({ client_secret: 'a-machine-client-secret-0123456789-012345' }))).toEqual(['client "machine-1" field client_secret: must not be set for private_key_jwt (CLIENT-06)']);
    expect(problems(machine({ token_endpoint_auth_method: 'none' }))).toEqual([
      'client "machine-1" field token_endpoint_auth_method: must be private_key_jwt for integration_type maskinporten: machine clients never use a static secret (CLIENT-03, CLIENT-04)',
    ]);
  });

  it('CLIENT-03 TOKEN-21 a machine client uses only the JWT-bearer grant', () => {
    expect(problems(machine({ grant_types: [jwtBearer, 'authorization_code'] }))).toEqual([
      `client "machine-1" field grant_types[1]: must be only ${jwtBearer} for integration_type maskinporten (CLIENT-03)`,
    ]);
    expect(problems(machine({ grant_types: ['refresh_token'] }))).toEqual([`client "machine-1" field grant_types[0]: must be only ${jwtBearer} for integration_type maskinporten (CLIENT-03)`]);
  });

  it('CLIENT-03 a machine client has no redirect, post-logout or front-channel logout URIs and is a web client', () => {
    expect(
      problems(machine({ application_type: 'native', redirect_uris: ['https://m.example.com/cb'], post_logout_redirect_uris: ['https://m.example.com/'], frontchannel_logout_uri: 'https://m.example.com/fcl' })),
    ).toEqual([
      'client "machine-1" field application_type: must be web for integration_type maskinporten (CLIENT-03)',
      'client "machine-1" field redirect_uris: must not be set for integration_type maskinporten (CLIENT-03)',
      'client "machine-1" field post_logout_redirect_uris: must not be set for integration_type maskinporten (CLIENT-03)',
      'client "machine-1" field frontchannel_logout_uri: must not be set for integration_type maskinporten (CLIENT-03)',
    ]);
  });

  it('CLIENT-03 CLIENT-16 a machine client holds at least one API scope, and no login scope', () => {
    expect(problems(machine({ scopes: [] }))).toEqual(['client "machine-1" field scopes: must list at least one API scope for integration_type maskinporten (CLIENT-03)']);
    expect(problems(machine({ scopes: ['openid', 'nav:api'] }))).toEqual(['client "machine-1" field scopes[0]: openid is not allowed for integration_type maskinporten (CLIENT-16)']);
    expect(problems(machine({ scopes: ['idporten:dcr.read', 'idporten:token.introspection'] }))).toEqual([]);
  });

  it('CLIENT-03 TOKEN-21 the JWT-bearer grant is only for machine clients', () => {
    const login = { client_id: 'web-1', client_secret: 'a-web-client-secret-0123456789-0123456789', client_name: 'Web', client_orgno: orgno, integration_type: 'idporten', grant_types: ['authorization_code', jwtBearer], redirect_uris: ['https://w.example.com/cb'], post_logout_redirect_uris: ['https://w.example.com/'] };
    expect(problems(login)).toEqual(['client "web-1" field grant_types[1]: is only for integration_type maskinporten (CLIENT-03, TOKEN-21)']);
  });

  it('CLIENT-07 a registered key may carry created (ISO 8601) and an x5c whose first certificate certifies it', async () => {
    const files = await issueTestBusinessCertificate(orgno);
    const x5c = x5cOf(files.chain);
    const { X509Certificate } = await import('node:crypto');
    const certified = new X509Certificate(Buffer.from(x5c[0]!, 'base64')).publicKey.export({ format: 'jwk' });
    const locked = { ...jwk, n: certified.n, e: certified.e, x5c, created: '2026-03-01T12:00:00Z' };
    const [client] = parseClientRecords([machine({ jwks: { keys: [locked] } })], 'prod', 'clients.json', scopes).clients;
    expect(usesBusinessCertificates(client!)).toBe(true);
    expect(problems(machine({ jwks: { keys: [{ ...jwk, x5c }] } }))).toEqual(['client "machine-1" field jwks.keys[0].x5c: x5c[0] certifies a different key than n and e (RFC 7517 §4.7, CLIENT-07)']);
    expect(problems(machine({ jwks: { keys: [{ ...jwk, x5c: ['AAAA'] }] } }))).toEqual(['client "machine-1" field jwks.keys[0].x5c: x5c[0] is not a DER certificate (RFC 7517 §4.7)']);
    expect(problems(machine({ jwks: { keys: [{ ...jwk, created: 'yesterday' }] } }))).toEqual(['client "machine-1" field jwks.keys[0].created: must be an ISO 8601 date-time (CLIENT-07)']);
  });
});
