// A self-signed X.509 v3 certificate (RFC 5280 §4.1), so that every published signing key carries
// `x5c` (JWKS-01). Deterministic: the serial comes from the key's thumbprint, the validity is
// RFC 5280 §4.1.2.5's "no well-defined expiration" (to 99991231235959Z) and RSASSA-PKCS1-v1_5
// signatures are deterministic, so every instance publishes the same bytes for the same key.
import { createHash, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, X509CertificateGenerator } from '../protocol/x509.js';

const rs256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** DER of a self-signed certificate for an RSA key pair; `commonName` names the issuer host. */
export async function buildSelfSignedCertificate(privateKey: KeyObject, commonName: string): Promise<Buffer> {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const serial = createHash('sha256').update(spki).digest().subarray(0, 16);
  serial[0] = serial[0]! & 0x7f; // RFC 5280 §4.1.2.2: positive
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ format: 'der', type: 'pkcs8' }), rs256, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, rs256, true, ['verify']),
  };
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [commonName.slice(0, 64)] }],
    notBefore: new Date('2000-01-01T00:00:00Z'),
    notAfter: new Date('9999-12-31T23:59:59Z'),
    signingAlgorithm: rs256,
    keys,
    // An end-entity key that only signs tokens (JWKS-01).
    extensions: [new BasicConstraintsExtension(false, undefined, true), new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true)],
  });
  return Buffer.from(certificate.rawData);
}
