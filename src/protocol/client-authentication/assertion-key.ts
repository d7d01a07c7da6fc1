// Which key a client's signed assertion must verify with (TOKEN-08, CLIENT-07; RFC 7523 §3,
// RFC 7515 §4.1.4 and §4.1.6), for client authentication (private_key_jwt) and the JWT-bearer
// grant (TOKEN-21) alike: RS256 only; a client with registered keys names one with `kid` (the key
// must not be past its year, and a key with x5c is locked to that certificate: it must still be a
// valid, unrevoked business certificate of the client); a client without registered keys sends
// its business certificate chain in `x5c`. Failures are built by the caller (invalid_client or
// invalid_grant); descriptions name the rule.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';
import { CertificateError, type BusinessCertificateVerifier } from '../business-certificate.js';
import { clientCertificate } from './virksomhetssertifikat.js';

/** AT-04: how the client proved itself with its assertion. */
export type AssertionAmr = 'private_key_jwt' | 'virksomhetssertifikat';

/** Builds the error of one request: `description` for the client, `detail` for the log. */
export type AssertionFail = (description: string, detail: string) => OAuthError;

export interface AssertionKey {
  key: KeyObject;
  clientAmr: AssertionAmr;
}

/** CLIENT-07: a registered key is valid for one year after its upload. */
export const registeredKeyLifetimeMs = 365 * 86_400_000;

const keyObjects = new WeakMap<object, KeyObject>();

function keyObjectOf(jwk: JWK): KeyObject {
  let key = keyObjects.get(jwk);
  if (!key) {
    key = createPublicKey({ key: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, format: 'jwk' });
    keyObjects.set(jwk, key);
  }
  return key;
}

/** CLIENT-07: when the key was uploaded (`created` on the key, else on the record), in ms; undefined = unknown. */
export function uploadedAt(jwk: JWK & { created?: unknown }, client: Pick<RegisteredClient, 'created'>): number | undefined {
  const created = typeof jwk.created === 'string' ? jwk.created : client.created;
  return created === undefined ? undefined : Date.parse(created);
}

/**
 * TOKEN-08: the key `header` points to for `client`, and the client_amr it earns. `what` names
 * the JWT in descriptions ("client assertion", "assertion").
 */
export async function assertionKey(
  header: { alg?: unknown; kid?: unknown; x5c?: unknown },
  client: RegisteredClient,
  nowMs: number,
  certificates: BusinessCertificateVerifier | undefined,
  fail: AssertionFail,
  what: string,
): Promise<AssertionKey> {
  const who = `client ${JSON.stringify(client.client_id)}`;
  // TOKEN-08 RFC 7523 §3.2: RS256 only. Checked before any key is touched, so neither `none` nor
  // an HMAC keyed with a public key can get through.
  if (header.alg !== 'RS256') throw fail(`The ${what} must be signed with RS256`, `${who}: alg ${JSON.stringify(header.alg)}`);

  if (client.jwks) {
    // TOKEN-08 RFC 7515 §4.1.4: a client with registered keys MUST name one with kid.
    if (typeof header.kid !== 'string' || header.kid === '') throw fail(`The ${what} header must have a kid naming a registered key`, `${who}: no kid`);
    const jwk = client.jwks.keys.find((key) => key.kid === header.kid);
    if (!jwk) throw fail(`The ${what} kid names no registered key`, `${who}: kid ${JSON.stringify(header.kid)}`);
    // CLIENT-07: a key expires one year after its upload.
    const uploaded = uploadedAt(jwk, client);
    if (uploaded !== undefined && nowMs >= uploaded + registeredKeyLifetimeMs) {
      throw fail('The registered key has expired: keys are valid one year after upload (CLIENT-07)', `${who}: kid ${header.kid} uploaded ${new Date(uploaded).toISOString()}`);
    }
    // CLIENT-07: a key registered with x5c is locked to that certificate, which is checked at use.
    if (Array.isArray(jwk.x5c)) {
      try {
        await clientCertificate(jwk.x5c, client, nowMs, certificates);
      } catch (error) {
        if (!(error instanceof CertificateError)) throw error;
        throw fail(`The certificate the registered key is locked to is not valid: ${error.message}`, `${who}: kid ${header.kid}: ${error.rule} ${error.detail ?? ''}`);
      }
    }
    return { key: keyObjectOf(jwk), clientAmr: 'private_key_jwt' };
  }

  // TOKEN-08 RFC 7515 §4.1.6: without registered keys, a business certificate chain in x5c.
  if (header.x5c === undefined) {
    throw fail(`The client has no registered keys: the ${what} header must carry x5c with its business certificate chain`, `${who}: no x5c${header.kid !== undefined ? ', kid instead' : ''}`);
  }
  try {
    const certificate = await clientCertificate(header.x5c, client, nowMs, certificates);
    return { key: certificate.publicKey, clientAmr: 'virksomhetssertifikat' };
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    throw fail(error.message, `${who}: ${error.rule} ${error.detail ?? ''}`);
  }
}
