// The JWT-bearer grant end to end with openid-client 6 as the machine client (TOKEN-21): discovery
// advertises the grant, genericGrantRequest sends the assertion, and a resource server introspects
// the token with the library's tokenIntrospection (INTROSPECT-04). The assertions are signed with
// jose, as a client would; once with a registered key (kid), once with a business certificate
// chain (x5c) issued from the test CA like `npm run certs:issue` does. Real Redis.
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTestBusinessCertificate, x5cOf } from '../../scripts/business-certificates.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { injectFetch } from '../support/browser.js';
import { certificateWorld, jwtBearerGrant, orgno, type Credential } from './support.js';

const issuer = 'http://localhost:3000';

const scopes = [
  {
    name: 'demo:read',
    prefix: 'demo',
    subscope: 'read',
    description: 'Read the demo API',
    owner_orgno: orgno,
    allowed_integration_types: ['maskinporten'],
    accessible_for_all: true,
    // INTROSPECT-04: only this resource server may introspect tokens with this scope.
    enforced_aud_for_introspection: ['e2e-resource-server'],
  },
];

let provider: TestProvider;
let keyed: Credential;

beforeAll(async () => {
  const world = await certificateWorld();
  keyed = await world.issue();
  const jwk = keyed.privateKey.export({ format: 'jwk' });
  provider = await startTestProvider({
    scopes,
    env: { OP_ISSUER: issuer },
    clients: [
      { client_id: 'e2e-machine-key', client_name: 'E2E machine (key)', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['demo:read'], jwks: { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'e2e-key', n: jwk.n, e: jwk.e }] } },
      { client_id: 'e2e-machine-cert', client_name: 'E2E machine (certificate)', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['demo:read'] },
      {
        client_id: 'e2e-resource-server',
        client_name: 'E2E resource server',
        client_orgno: orgno,
        integration_type: 'maskinporten',
        token_endpoint_auth_method: 'private_key_jwt',
        scopes: ['idporten:token.introspection'],
        jwks: { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'e2e-rs-key', n: jwk.n, e: jwk.e }] },
      },
    ],
  });
}, 60_000);
afterAll(async () => provider.close());

const configure = (clientId: string, auth: oidc.ClientAuth = oidc.None()) =>
  oidc.discovery(new URL(issuer), clientId, undefined, auth, { [oidc.customFetch]: injectFetch(provider.app) as never, execute: [oidc.allowInsecureRequests] });

/** A Maskinporten-style grant: aud = issuer, iss = client_id, iat, exp (≤ 120 s), jti, scope. */
function grantAssertion(clientId: string, key: KeyObject, header: { kid: string } | { x5c: string[] }): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'demo:read' })
    .setProtectedHeader({ alg: 'RS256', ...header })
    .setAudience(issuer)
    .setIssuer(clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(key);
}

describe('the JWT-bearer grant with openid-client', () => {
  it('TOKEN-21 DISC-04 discovery advertises the jwt-bearer grant', async () => {
    expect((await configure('e2e-machine-key')).serverMetadata().grant_types_supported).toContain(jwtBearerGrant);
  });

  it('TOKEN-21 genericGrantRequest with a registered key (kid) gets a Bearer access token only', async () => {
    const config = await configure('e2e-machine-key');
    const tokens = await oidc.genericGrantRequest(config, jwtBearerGrant, { assertion: await grantAssertion('e2e-machine-key', keyed.privateKey, { kid: 'e2e-key' }) });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('demo:read');
    expect(tokens.expires_in).toBe(120);
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.refresh_token).toBeUndefined();
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: 'e2e-machine-key', client_amr: 'private_key_jwt', scope: 'demo:read', consumer: { ID: `0192:${orgno}` } });
  });

  it('TOKEN-21 TOKEN-08 INTROSPECT-04 genericGrantRequest with a certs:issue business certificate (x5c); the named resource server introspects the token', async () => {
    // What `npm run certs:issue -- --orgno 991825827 --out <dir>` writes: cert.pem, key.pem, chain.pem.
    const files = await issueTestBusinessCertificate(orgno);
    const config = await configure('e2e-machine-cert');
    const assertion = await grantAssertion('e2e-machine-cert', createPrivateKey(files.key), { x5c: x5cOf(files.chain) });
    const tokens = await oidc.genericGrantRequest(config, jwtBearerGrant, { assertion });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: 'e2e-machine-cert', client_amr: 'virksomhetssertifikat' });

    const resourceServer = await configure('e2e-resource-server', oidc.PrivateKeyJwt({ key: keyed.leaf.keys.privateKey as never, kid: 'e2e-rs-key' }));
    const introspection = await oidc.tokenIntrospection(resourceServer, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, client_id: 'e2e-machine-cert', scope: 'demo:read', client_amr: 'virksomhetssertifikat', token_type: 'Bearer' });
  });
});
