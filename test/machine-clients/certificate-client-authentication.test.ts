// Client authentication at /token with a business certificate (TOKEN-08, CLIENT-07, ENV-03): a
// private_key_jwt client without registered keys signs its client assertion with the key of its
// virksomhetssertifikat and sends the chain in x5c; a registered key with x5c is locked to that
// certificate; a registered key expires a year after its upload. Through HTTP on real Redis.
//
// Client authentication runs before the grant: a refresh_token grant with an unknown token answers
// 400 invalid_grant once the client is authenticated and 401 invalid_client when it is not, which
// probes authentication without a login. One full code flow shows client_amr.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyUsageFlags } from '../../src/protocol/x509.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { Browser, loginThroughBrowser } from '../support/browser.js';
import { certificateWorld, day, newJti, orgno, otherOrgno, s256, signJws, type CertificateWorld, type Credential } from './support.js';

const issuer = 'http://localhost:3000';
const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const certClient = {
  client_id: 'cert-web',
  client_name: 'Certificate Web',
  client_orgno: orgno,
  integration_type: 'idporten',
  token_endpoint_auth_method: 'private_key_jwt',
  grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: ['http://localhost:8090/cb'],
  post_logout_redirect_uris: ['http://localhost:8090/'],
};

let world: CertificateWorld;
let provider: TestProvider;

beforeAll(async () => {
  world = await certificateWorld();
  provider = await startTestProvider({ clients: [certClient], env: { OP_ISSUER: issuer } });
}, 60_000);
afterAll(async () => provider.close());

/** A client assertion (RFC 7523 §3) signed by the credential's key, with its chain in x5c. */
function assertionBy(credential: Credential, options: { clientId?: string; header?: Record<string, unknown>; now?: number } = {}): string {
  const clientId = options.clientId ?? certClient.client_id;
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  return signJws({ alg: 'RS256', x5c: credential.x5c, ...options.header }, { iss: clientId, sub: clientId, aud: issuer, iat, exp: iat + 60, jti: newJti() }, credential.privateKey);
}

/** Client authentication at /token: the refresh_token grant with an unknown token. */
function authenticate(on: TestProvider, assertion: string, clientId = certClient.client_id): Promise<LightMyRequestResponse> {
  return on.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: clientId, client_assertion_type: assertionType, client_assertion: assertion }).toString(),
  });
}

function expectAuthenticated(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.json()).toMatchObject({ error: 'invalid_grant' });
}

function expectRefused(response: LightMyRequestResponse, description: string | RegExp): void {
  expect(response.statusCode, response.body).toBe(401);
  const body = response.json<{ error: string; error_description: string }>();
  expect(body.error).toBe('invalid_client');
  if (typeof description === 'string') expect(body.error_description).toBe(description);
  else expect(body.error_description).toMatch(description);
}

describe('TOKEN-08 client authentication with a business certificate (x5c)', () => {
  it('TOKEN-08 a certificate chain (business certificate, then the issuing CA) to the trusted test CA authenticates', async () => {
    expectAuthenticated(await authenticate(provider, assertionBy(await world.issue())));
  });

  it('TOKEN-08 AT-04 the code flow with x5c client authentication issues tokens with client_amr virksomhetssertifikat', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({ response_type: 'code', client_id: certClient.client_id, redirect_uri: certClient.redirect_uris[0]!, scope: 'openid profile', state: 's', code_challenge: s256(verifier), code_challenge_method: 'S256' });
    const { response } = await loginThroughBrowser(new Browser(provider.app), `/authorize?${query}`);
    const code = new URL(String(response.headers.location)).searchParams.get('code')!;
    const token = await provider.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: certClient.redirect_uris[0]!,
        code_verifier: verifier,
        client_id: certClient.client_id,
        client_assertion_type: assertionType,
        client_assertion: assertionBy(await world.issue()),
      }).toString(),
    });
    expect(token.statusCode, token.body).toBe(200);
    expect(decodeJwt(token.json<{ access_token: string }>().access_token)).toMatchObject({ client_amr: 'virksomhetssertifikat', client_id: certClient.client_id, consumer: { ID: `0192:${orgno}` } });
  });

  it('TOKEN-08 the organisation number may come from organizationIdentifier NTRNO- alone or from serialNumber alone', async () => {
    const byIdentifier = await world.issue({ subject: [{ C: ['NO'] }, { O: ['ACME'] }, { '2.5.4.97': [`NTRNO-${orgno}`] }, { CN: ['ACME'] }] });
    const bySerialNumber = await world.issue({ subject: [{ C: ['NO'] }, { O: ['ACME'] }, { '2.5.4.5': [orgno] }, { CN: ['ACME'] }] });
    expectAuthenticated(await authenticate(provider, assertionBy(byIdentifier)));
    expectAuthenticated(await authenticate(provider, assertionBy(bySerialNumber)));
  });

  it('TOKEN-08 an expired business certificate is refused, naming the rule', async () => {
    const expired = await world.issue({ notBefore: Date.now() - 400 * day, notAfter: Date.now() - day });
    expectRefused(await authenticate(provider, assertionBy(expired)), 'The business certificate has expired');
  });

  it('TOKEN-08 a business certificate not yet valid is refused', async () => {
    const early = await world.issue({ notBefore: Date.now() + day, notAfter: Date.now() + 365 * day });
    expectRefused(await authenticate(provider, assertionBy(early)), 'The business certificate is not yet valid');
  });

  it('TOKEN-08 a self-signed business certificate is refused, even with the right organisation number', async () => {
    const selfSigned = await world.issue({ selfSigned: true });
    expectRefused(await authenticate(provider, assertionBy(selfSigned)), 'The business certificate is self-signed');
  });

  it("TOKEN-08 a business certificate of another organisation is refused: the organisation number must equal the client's", async () => {
    const foreign = await world.issue({ orgno: otherOrgno });
    expectRefused(await authenticate(provider, assertionBy(foreign)), "The organisation number of the business certificate does not match the client's client_orgno");
  });

  it('TOKEN-08 a certificate without an organisation number is refused', async () => {
    const nameless = await world.issue({ subject: [{ C: ['NO'] }, { CN: ['No organisation'] }] });
    expectRefused(await authenticate(provider, assertionBy(nameless)), /carries no single Norwegian organisation number/);
  });

  it('TOKEN-08 a chain to a CA that is not trusted is refused as an untrusted chain, also when its CA copies the trusted CA name', async () => {
    const stranger = await world.issue({ issuer: world.strangerIssuing, chain: [world.strangerIssuing, world.strangerRoot] });
    expectRefused(await authenticate(provider, assertionBy(stranger)), 'The business certificate does not chain to a trusted CA (untrusted chain)');
  });

  it('TOKEN-08 a business certificate sent without its issuing CA does not chain to the trusted root', async () => {
    const alone = await world.issue({ chain: [] });
    expectRefused(await authenticate(provider, assertionBy(alone)), 'The business certificate does not chain to a trusted CA (untrusted chain)');
  });

  it('TOKEN-08 an RSA key under 2048 bits is refused', async () => {
    const weak = await world.issue({ keys: world.weakKeys });
    expectRefused(await authenticate(provider, assertionBy(weak)), 'The business certificate must hold an RSA key of at least 2048 bits');
  });

  it('TOKEN-08 a key usage without digitalSignature, or no key usage at all, is refused', async () => {
    const encipherment = await world.issue({ keyUsage: KeyUsageFlags.keyEncipherment });
    const none = await world.issue({ keyUsage: null });
    for (const credential of [encipherment, none]) {
      expectRefused(await authenticate(provider, assertionBy(credential)), 'The key usage of the business certificate does not allow digital signatures');
    }
  });

  it("TOKEN-08 an assertion signed by another key than the certificate's is refused", async () => {
    const credential = await world.issue();
    const other = await world.issue();
    expectRefused(await authenticate(provider, assertionBy({ ...credential, privateKey: other.privateKey })), 'The client assertion signature is invalid');
  });

  it('TOKEN-08 an x5c that is not base64 DER is refused', async () => {
    const credential = await world.issue();
    expectRefused(await authenticate(provider, assertionBy(credential, { header: { x5c: ['not base64!'] } })), /x5c must be a chain of base64 DER certificates/);
    expectRefused(await authenticate(provider, assertionBy(credential, { header: { x5c: 'MIIB' } })), /x5c must be a chain of base64 DER certificates/);
  });

  it('TOKEN-08 a client without registered keys must send x5c; a kid alone is refused', async () => {
    const credential = await world.issue();
    expectRefused(await authenticate(provider, assertionBy(credential, { header: { x5c: undefined, kid: 'some-key' } })), 'The client has no registered keys: the client assertion header must carry x5c with its business certificate chain');
  });

  it('TOKEN-08 RS256 only: an x5c assertion with another alg is refused before any certificate is looked at', async () => {
    const credential = await world.issue();
    expectRefused(await authenticate(provider, assertionBy(credential, { header: { alg: 'RS512' } })), 'The client assertion must be signed with RS256');
  });
});

describe('TOKEN-08 revocation by OP_CRL_FILE', () => {
  it('TOKEN-08 a business certificate revoked by a CRL of its issuing CA is refused; one not listed still authenticates', async () => {
    const revoked = await world.issue();
    const fine = await world.issue();
    const crlFile = world.crlFile(await world.crl(world.issuing, [revoked.serialNumber]));
    const withCrl = await startTestProvider({ clients: [certClient], env: { OP_ISSUER: issuer, OP_CRL_FILE: crlFile } });
    try {
      expectRefused(await authenticate(withCrl, assertionBy(revoked)), 'The business certificate, or a CA certificate in its chain, has been revoked');
      expectAuthenticated(await authenticate(withCrl, assertionBy(fine)));
    } finally {
      await withCrl.close();
    }
  });

  it('TOKEN-08 a revoked issuing CA (CRL of the root) revokes every certificate under it', async () => {
    const crlFile = world.crlFile(await world.crl(world.root, [world.issuing.certificate.serialNumber]));
    const withCrl = await startTestProvider({ clients: [certClient], env: { OP_ISSUER: issuer, OP_CRL_FILE: crlFile } });
    try {
      expectRefused(await authenticate(withCrl, assertionBy(await world.issue())), 'The business certificate, or a CA certificate in its chain, has been revoked');
    } finally {
      await withCrl.close();
    }
  });

  it('TOKEN-08 a CRL that names the serial but is signed by another CA does not revoke anything', async () => {
    const credential = await world.issue();
    // The stranger issuing CA has the same name as the test issuing CA, but not its key.
    const crlFile = world.crlFile(await world.crl(world.strangerIssuing, [credential.serialNumber]));
    const withCrl = await startTestProvider({ clients: [certClient], env: { OP_ISSUER: issuer, OP_CRL_FILE: crlFile } });
    try {
      expectAuthenticated(await authenticate(withCrl, assertionBy(credential)));
    } finally {
      await withCrl.close();
    }
  });
});

describe('ENV-03 which CAs are trusted', () => {
  it('ENV-03 with OP_TRUSTED_CA_FILE only its CAs are trusted, never the test CA', async () => {
    const own = await world.issue({ issuer: world.strangerIssuing, chain: [world.strangerIssuing] });
    const fromTestCa = await world.issue();
    const withOwnCa = await startTestProvider({ clients: [certClient], env: { OP_ISSUER: issuer, OP_TRUSTED_CA_FILE: world.caFile(world.strangerRoot) } });
    try {
      expectAuthenticated(await authenticate(withOwnCa, assertionBy(own)));
      expectRefused(await authenticate(withOwnCa, assertionBy(fromTestCa)), 'The business certificate does not chain to a trusted CA (untrusted chain)');
    } finally {
      await withOwnCa.close();
    }
  });

  it('ENV-03 a trusted intermediate CA is an anchor of its own: the leaf alone chains to it', async () => {
    const alone = await world.issue({ issuer: world.strangerIssuing, chain: [] });
    const withIntermediate = await startTestProvider({ clients: [certClient], env: { OP_ISSUER: issuer, OP_TRUSTED_CA_FILE: world.caFile(world.strangerIssuing) } });
    try {
      expectAuthenticated(await authenticate(withIntermediate, assertionBy(alone)));
    } finally {
      await withIntermediate.close();
    }
  });
});

describe('CLIENT-07 a registered key locked to its certificate, and the key year', () => {
  let lockedProvider: TestProvider;
  let locked: Credential;
  let unlocked: Credential;
  const lockedClient = (id: string, credential: Credential, extra: Record<string, unknown> = {}) => {
    const jwk = credential.privateKey.export({ format: 'jwk' });
    return { ...certClient, client_id: id, jwks: { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: `${id}-key`, n: jwk.n, e: jwk.e, ...extra }] } };
  };

  beforeAll(async () => {
    locked = await world.issue();
    unlocked = await world.issue({ keys: world.keys[3] });
    const lapsed = await world.issue({ notBefore: Date.now() - 400 * day, notAfter: Date.now() - day, keys: world.keys[2] });
    const crlFile = world.crlFile(await world.crl(world.issuing, [locked.serialNumber]));
    lockedProvider = await startTestProvider({
      clients: [
        lockedClient('locked-revoked', locked, { x5c: locked.x5c }),
        lockedClient('locked-expired', lapsed, { x5c: lapsed.x5c }),
        lockedClient('locked-good', unlocked, { x5c: unlocked.x5c }),
        lockedClient('key-old', unlocked, { kid: 'key-old-key', created: new Date(Date.now() - 366 * day).toISOString() }),
        lockedClient('key-young', unlocked, { kid: 'key-young-key', created: new Date(Date.now() - 300 * day).toISOString() }),
        { ...lockedClient('record-old', unlocked, { kid: 'record-old-key' }), created: new Date(Date.now() - 400 * day).toISOString() },
      ].map((client, i) => ({ ...client, redirect_uris: [`http://localhost:${9100 + i}/cb`] })),
      env: { OP_ISSUER: issuer, OP_CRL_FILE: crlFile },
    });
  }, 30_000);
  afterAll(async () => lockedProvider.close());

  const byKid = (clientId: string, credential: Credential): string => assertionBy(credential, { clientId, header: { x5c: undefined, kid: `${clientId}-key` } });

  it('CLIENT-07 a key locked to a valid business certificate authenticates by kid, with client_amr private_key_jwt', async () => {
    expectAuthenticated(await authenticate(lockedProvider, byKid('locked-good', unlocked), 'locked-good'));
  });

  it('CLIENT-07 a key locked to a revoked certificate no longer authenticates', async () => {
    expectRefused(await authenticate(lockedProvider, byKid('locked-revoked', locked), 'locked-revoked'), 'The certificate the registered key is locked to is not valid: The business certificate, or a CA certificate in its chain, has been revoked');
  });

  it('CLIENT-07 a key locked to an expired certificate no longer authenticates', async () => {
    const lapsedKey = { ...unlocked, privateKey: (await world.issue({ keys: world.keys[2] })).privateKey };
    expectRefused(await authenticate(lockedProvider, byKid('locked-expired', lapsedKey), 'locked-expired'), 'The certificate the registered key is locked to is not valid: The business certificate has expired');
  });

  it('TOKEN-08 a client with registered keys must name one by kid: its certificate in x5c alone is refused', async () => {
    expectRefused(await authenticate(lockedProvider, assertionBy(unlocked, { clientId: 'locked-good' }), 'locked-good'), 'The client assertion header must have a kid naming a registered key');
  });

  it('CLIENT-07 a registered key expires one year after its upload (created on the key or on the record)', async () => {
    expectAuthenticated(await authenticate(lockedProvider, byKid('key-young', unlocked), 'key-young'));
    expectRefused(await authenticate(lockedProvider, byKid('key-old', unlocked), 'key-old'), 'The registered key has expired: keys are valid one year after upload (CLIENT-07)');
    expectRefused(await authenticate(lockedProvider, byKid('record-old', unlocked), 'record-old'), 'The registered key has expired: keys are valid one year after upload (CLIENT-07)');
  });
});
