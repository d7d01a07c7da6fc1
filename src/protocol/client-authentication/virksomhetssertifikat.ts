// The x5c path of TOKEN-08 (RFC 7515 §4.1.6, RFC 7523 §3.2): a client without registered keys
// signs its assertion with the key of a Norwegian business certificate (virksomhetssertifikat)
// and sends the chain in the header. The chain is validated by protocol/business-certificate.ts;
// here its organisation number must be the client's (client_amr virksomhetssertifikat, AT-04).
// Shared by private_key_jwt client authentication and the JWT-bearer grant (TOKEN-21).
import type { RegisteredClient } from '../../registry/client-registry.js';
import { CertificateError, type BusinessCertificate, type BusinessCertificateVerifier } from '../business-certificate.js';

/** TOKEN-08: the validated certificate of `x5c` for `client`, or a CertificateError naming the rule. */
export async function clientCertificate(x5c: unknown, client: Pick<RegisteredClient, 'client_orgno'>, nowMs: number, verifier: BusinessCertificateVerifier | undefined): Promise<BusinessCertificate> {
  // ENV-03: without trust anchors (prod without OP_TRUSTED_CA_FILE) no chain can be trusted.
  if (!verifier?.trustsAnyCa) throw new CertificateError('untrusted', 'no trusted CA configured');
  const certificate = await verifier.verify(x5c, nowMs);
  // TOKEN-08: the organisation number of the certificate equals the client's client_orgno.
  if (certificate.orgno !== client.client_orgno) throw new CertificateError('orgno-mismatch', `certificate ${certificate.orgno}, client ${client.client_orgno}`);
  return certificate;
}
