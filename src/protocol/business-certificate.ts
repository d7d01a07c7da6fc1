// Norwegian business certificates (virksomhetssertifikat) in an `x5c` header (TOKEN-08, RFC 7515
// §4.1.6): certification path validation after RFC 5280 §6.1, reduced to what the profile needs.
// The leaf must chain to a trusted CA (an anchor of OP_TRUSTED_CA_FILE, or the test CA in test
// mode, ENV-03), every certificate of the path must be within its validity, every issuer must be
// a CA, the leaf's key usage must allow digital signatures and its key be RSA of at least 2048
// bits, nothing in the path may be revoked by a CRL of OP_CRL_FILE, and the leaf must carry an
// organisation number. Self-signed leaves are never accepted. Pure given the trust material
// (keys/trust-store.ts loads it) and the injected clock; results are memoised per chain, with
// everything that depends on time checked again at every use.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate,
  X509ChainBuilder,
  type X509Crl,
} from './x509.js';

/** What the trust store holds (keys/trust-store.ts). */
export interface TrustAnchors {
  /** Trusted CA certificates: roots and intermediates; a path ends at the first of them. */
  readonly certificates: readonly X509Certificate[];
  /** Revocation lists; each is used only for certificates its issuer signed. */
  readonly crls: readonly X509Crl[];
}

/** The rule a refused chain broke; each has its own error_description (TOKEN-08). */
export type CertificateRule =
  | 'malformed'
  | 'self-signed'
  | 'untrusted'
  | 'unsupported-extension'
  | 'not-a-ca'
  | 'leaf-is-ca'
  | 'key-usage'
  | 'weak-key'
  | 'no-orgno'
  | 'expired'
  | 'not-yet-valid'
  | 'chain-expired'
  | 'revoked'
  | 'orgno-mismatch';

const descriptions: Record<CertificateRule, string> = {
  malformed: 'x5c must be a chain of base64 DER certificates, the business certificate first',
  'self-signed': 'The business certificate is self-signed',
  untrusted: 'The business certificate does not chain to a trusted CA (untrusted chain)',
  'unsupported-extension': 'The certificate chain has a critical extension this provider does not process',
  'not-a-ca': 'A certificate that issued another in the chain is not a CA certificate',
  'leaf-is-ca': 'The business certificate is a CA certificate, not an end-entity certificate',
  'key-usage': 'The key usage of the business certificate does not allow digital signatures',
  'weak-key': 'The business certificate must hold an RSA key of at least 2048 bits',
  'no-orgno': 'The business certificate carries no single Norwegian organisation number (subject serialNumber or organizationIdentifier NTRNO-)',
  expired: 'The business certificate has expired',
  'not-yet-valid': 'The business certificate is not yet valid',
  'chain-expired': 'A CA certificate in the business certificate chain is expired or not yet valid',
  revoked: 'The business certificate, or a CA certificate in its chain, has been revoked',
  'orgno-mismatch': "The organisation number of the business certificate does not match the client's client_orgno",
};

export class CertificateError extends Error {
  readonly rule: CertificateRule;
  constructor(rule: CertificateRule, readonly detail?: string) {
    super(descriptions[rule]);
    this.name = 'CertificateError';
    this.rule = rule;
  }
}

/** A validated business certificate: who it names and the key it certifies. */
export interface BusinessCertificate {
  /** The 9-digit organisation number (AT-03 consumer). */
  orgno: string;
  /** The leaf's RSA public key, ≥ 2048 bits: what an assertion must be signed with. */
  publicKey: KeyObject;
  subject: string;
  /** Hexadecimal, as in CRLs. */
  serialNumber: string;
}

/** The time-independent outcome of validating one chain, and the validity windows to check at each use. */
type Validated =
  | { ok: true; certificate: BusinessCertificate; leaf: Window; chain: Window }
  | { ok: false; error: CertificateError };

interface Window {
  notBefore: number;
  notAfter: number;
}

/** x5c of at most this many certificates (RFC 7515 §4.1.6 sets no bound; a chain is short). */
const maxChainLength = 5;
/** Validated chains remembered; the oldest is forgotten first. */
const maxMemo = 1000;

// RFC 5280 §4.2: the extensions this validation processes or may safely ignore when critical.
const knownCritical = new Set([
  '2.5.29.15', // keyUsage
  '2.5.29.19', // basicConstraints
  '2.5.29.37', // extKeyUsage
  '2.5.29.32', // certificatePolicies (policies are not constrained here)
  '2.5.29.17', // subjectAltName
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
]);

const oidSerialNumber = '2.5.4.5';
const oidOrganizationIdentifier = '2.5.4.97';

/** TOKEN-08: the organisation number a business certificate names: serialNumber = 9 digits, or organizationIdentifier NTRNO-<9 digits>. */
export function organisationNumberOf(certificate: X509Certificate): string | undefined {
  const found = new Set<string>();
  for (const value of certificate.subjectName.getField(oidSerialNumber)) if (/^\d{9}$/.test(value)) found.add(value);
  for (const value of certificate.subjectName.getField(oidOrganizationIdentifier)) {
    const match = /^NTRNO-(\d{9})$/.exec(value);
    if (match) found.add(match[1]!);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

const sameDer = (a: X509Certificate, b: X509Certificate): boolean => Buffer.from(a.rawData).equals(Buffer.from(b.rawData));

export class BusinessCertificateVerifier {
  readonly #anchors: readonly X509Certificate[];
  readonly #crls: readonly X509Crl[];
  readonly #memo = new Map<string, Promise<Validated>>();

  constructor(trust: TrustAnchors) {
    this.#anchors = trust.certificates;
    this.#crls = trust.crls;
  }

  /** Whether any CA is trusted at all. */
  get trustsAnyCa(): boolean {
    return this.#anchors.length > 0;
  }

  /**
   * TOKEN-08: the validated business certificate of `x5c` (base64 DER, the leaf first, RFC 7515
   * §4.1.6) at `nowMs`, or a CertificateError naming the rule it breaks.
   */
  async verify(x5c: unknown, nowMs: number): Promise<BusinessCertificate> {
    if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > maxChainLength || !x5c.every((c) => typeof c === 'string' && c.length > 0 && c.length < 16_384)) {
      throw new CertificateError('malformed', `x5c of ${Array.isArray(x5c) ? x5c.length : typeof x5c} entries`);
    }
    const key = createHash('sha256').update((x5c as string[]).join('.')).digest('base64url');
    let validated = this.#memo.get(key);
    if (!validated) {
      validated = this.#validate(x5c as string[]);
      if (this.#memo.size >= maxMemo) this.#memo.delete(this.#memo.keys().next().value!);
      this.#memo.set(key, validated);
    }
    const outcome = await validated;
    if (!outcome.ok) throw outcome.error;
    // RFC 5280 §6.1.3 (a)(2): every certificate of the path is within its validity now.
    if (nowMs > outcome.leaf.notAfter) throw new CertificateError('expired');
    if (nowMs < outcome.leaf.notBefore) throw new CertificateError('not-yet-valid');
    if (nowMs > outcome.chain.notAfter || nowMs < outcome.chain.notBefore) throw new CertificateError('chain-expired');
    return outcome.certificate;
  }

  /** Everything that does not depend on the time; never rejects. */
  async #validate(x5c: readonly string[]): Promise<Validated> {
    try {
      return await this.#validatePath(x5c);
    } catch (error) {
      if (error instanceof CertificateError) return { ok: false, error };
      return { ok: false, error: new CertificateError('malformed', error instanceof Error ? error.message : String(error)) };
    }
  }

  async #validatePath(x5c: readonly string[]): Promise<Validated> {
    let given: X509Certificate[];
    try {
      // RFC 7515 §4.1.6: base64 (not base64url) DER, the certificate of the signing key first.
      given = x5c.map((entry) => {
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(entry)) throw new Error('not base64');
        return new X509Certificate(Buffer.from(entry, 'base64'));
      });
    } catch (error) {
      throw new CertificateError('malformed', error instanceof Error ? error.message : String(error));
    }
    const leaf = given[0]!;
    // TOKEN-08: a self-signed leaf proves nothing about who holds it.
    if (await leaf.isSelfSigned()) throw new CertificateError('self-signed');

    // RFC 5280 §6.1: a path from the leaf, through the intermediates it came with, to the first
    // trusted CA; every link's signature is verified by the chain builder.
    let built: X509Certificate[];
    try {
      built = [...(await new X509ChainBuilder({ certificates: [...given.slice(1), ...this.#anchors] }).build(leaf))];
    } catch (error) {
      throw new CertificateError('untrusted', error instanceof Error ? error.message : String(error));
    }
    const anchorAt = built.findIndex((certificate, i) => i > 0 && this.#anchors.some((anchor) => sameDer(anchor, certificate)));
    if (anchorAt === -1) throw new CertificateError('untrusted', `path of ${built.length} ends at ${built[built.length - 1]!.subject}`);
    const path = built.slice(0, anchorAt + 1);

    for (const [i, certificate] of path.entries()) {
      // RFC 5280 §6.1.4 (o): a critical extension that is not processed fails the path.
      const unknown = certificate.extensions.find((extension) => extension.critical && !knownCritical.has(extension.type));
      if (unknown) throw new CertificateError('unsupported-extension', `${unknown.type} in ${certificate.subject}`);
      if (i === 0) continue;
      // RFC 5280 §6.1.4 (k), (l), (n): an issuer is a CA, within its path length, allowed to sign certificates.
      const constraints = certificate.getExtension(BasicConstraintsExtension);
      if (!constraints?.ca) throw new CertificateError('not-a-ca', certificate.subject);
      if (constraints.pathLength !== undefined && i - 1 > constraints.pathLength) throw new CertificateError('not-a-ca', `path length of ${certificate.subject}`);
      const usage = certificate.getExtension(KeyUsagesExtension);
      if (usage && !(usage.usages & KeyUsageFlags.keyCertSign)) throw new CertificateError('not-a-ca', `no keyCertSign in ${certificate.subject}`);
    }

    // TOKEN-08: the leaf is an end-entity certificate for signatures: a key usage that allows
    // digitalSignature (required, as every business certificate has one), RSA of 2048 bits or more.
    if (leaf.getExtension(BasicConstraintsExtension)?.ca) throw new CertificateError('leaf-is-ca');
    const usage = leaf.getExtension(KeyUsagesExtension);
    if (!usage || !(usage.usages & KeyUsageFlags.digitalSignature)) throw new CertificateError('key-usage');
    const publicKey = createPublicKey({ key: Buffer.from(leaf.publicKey.rawData), format: 'der', type: 'spki' });
    if (publicKey.asymmetricKeyType !== 'rsa' || (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      throw new CertificateError('weak-key', `${publicKey.asymmetricKeyType} ${publicKey.asymmetricKeyDetails?.modulusLength ?? 0}`);
    }

    // TOKEN-08, RFC 5280 §6.3: not revoked by a CRL of the certificate's issuer (the CRL's own
    // signature is verified with that issuer's key; a CRL of another issuer does not count).
    for (let i = 0; i < path.length - 1; i++) {
      if (await this.#revoked(path[i]!, path[i + 1]!)) throw new CertificateError('revoked', `${path[i]!.subject} serial ${path[i]!.serialNumber}`);
    }

    const orgno = organisationNumberOf(leaf);
    if (orgno === undefined) throw new CertificateError('no-orgno', leaf.subject);
    const windowOf = (certificates: readonly X509Certificate[]): Window => ({
      notBefore: Math.max(...certificates.map((c) => c.notBefore.getTime())),
      notAfter: Math.min(...certificates.map((c) => c.notAfter.getTime())),
    });
    return {
      ok: true,
      certificate: { orgno, publicKey, subject: leaf.subject, serialNumber: leaf.serialNumber },
      leaf: windowOf([leaf]),
      chain: windowOf(path.slice(1)),
    };
  }

  async #revoked(certificate: X509Certificate, issuer: X509Certificate): Promise<boolean> {
    for (const crl of this.#crls) {
      if (crl.issuer !== certificate.issuer || !crl.findRevoked(certificate)) continue;
      try {
        if (await crl.verify({ publicKey: issuer })) return true;
      } catch {
        // Not signed by this issuer's key: not its CRL.
      }
    }
    return false;
  }
}
