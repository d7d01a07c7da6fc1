// Test business certificates (TOKEN-08) for development and tests: CAs, business certificates
// with an organisation number, and CRLs, built with the provider's X.509 library. Demo material
// only: the test CA's private keys are in the repository (fixtures/demo/test-ca), and prod mode
// refuses to trust that CA (ENV-03).
//
// `npx tsx scripts/business-certificates.ts --new-test-ca <dir>` writes a fresh test CA (root and
// issuing CA with their keys); `npm run certs:issue` (scripts/certs-issue.ts) issues from it.
import { webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  X509CrlGenerator,
  type Extension,
  type JsonName,
  type X509Crl,
} from '../protocol/x509.js';

const rs256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export type KeyPair = webcrypto.CryptoKeyPair;

/** An RSA key pair for RS256 (`bits` below 2048 only to test refusals). */
export async function generateRsaKeys(bits = 2048): Promise<KeyPair> {
  return webcrypto.subtle.generateKey({ ...rs256, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']) as Promise<KeyPair>;
}

/** A certificate together with the key pair it certifies. */
export interface Issued {
  certificate: X509Certificate;
  keys: KeyPair;
}

export interface CertificateOptions {
  subject: JsonName;
  keys: KeyPair;
  /** The issuing CA; absent = self-signed. */
  issuer?: Issued;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate (basicConstraints cA, keyCertSign and cRLSign). */
  ca?: boolean;
  /** Key usage of an end-entity certificate (default digitalSignature); null = no extension. */
  keyUsage?: KeyUsageFlags | null;
  serialNumber?: string;
  extraExtensions?: Extension[];
}

let serials = Date.now();

/** An X.509 v3 certificate (RFC 5280 §4.1), signed by `issuer` or by itself. */
export async function issueCertificate(options: CertificateOptions): Promise<X509Certificate> {
  const extensions: Extension[] = [await SubjectKeyIdentifierExtension.create(options.keys.publicKey)];
  if (options.issuer) extensions.push(await AuthorityKeyIdentifierExtension.create(options.issuer.keys.publicKey));
  if (options.ca) {
    extensions.push(new BasicConstraintsExtension(true, undefined, true), new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true));
  } else {
    const usage = options.keyUsage === undefined ? KeyUsageFlags.digitalSignature : options.keyUsage;
    if (usage !== null) extensions.push(new KeyUsagesExtension(usage, true));
  }
  extensions.push(...(options.extraExtensions ?? []));
  const serialNumber = options.serialNumber ?? (serials++).toString(16).padStart(16, '0');
  const common = { serialNumber, notBefore: options.notBefore, notAfter: options.notAfter, signingAlgorithm: rs256, extensions };
  if (!options.issuer) return X509CertificateGenerator.createSelfSigned({ ...common, name: options.subject, keys: options.keys });
  return X509CertificateGenerator.create({
    ...common,
    subject: options.subject,
    issuer: options.issuer.certificate.subjectName,
    publicKey: options.keys.publicKey,
    signingKey: options.issuer.keys.privateKey,
  });
}

/** A Norwegian business certificate's subject: name, serialNumber and organizationIdentifier carry the orgno. */
export function businessSubject(orgno: string, name = `TEST VIRKSOMHET ${orgno}`): JsonName {
  return [{ C: ['NO'] }, { O: [name] }, { '2.5.4.97': [`NTRNO-${orgno}`] }, { '2.5.4.5': [orgno] }, { CN: [name] }];
}

/** A CRL of `issuer` revoking `serials` (hexadecimal). */
export async function issueCrl(issuer: Issued, serials: readonly string[], thisUpdate: Date, nextUpdate: Date): Promise<X509Crl> {
  return X509CrlGenerator.create({
    issuer: issuer.certificate.subjectName,
    thisUpdate,
    nextUpdate,
    entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: thisUpdate })),
    signingAlgorithm: rs256,
    signingKey: issuer.keys.privateKey,
  });
}

/** PKCS#8 PEM of a private key (RFC 5208, RFC 7468 §10). */
export async function privateKeyPem(keys: KeyPair): Promise<string> {
  return PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

async function importPrivateKeyPem(pem: string, publicKey: webcrypto.CryptoKey): Promise<KeyPair> {
  const der = PemConverter.decode(pem)[0]!;
  return { privateKey: await webcrypto.subtle.importKey('pkcs8', der, rs256, true, ['sign']), publicKey };
}

/** The repository's test CA (fixtures/demo/test-ca): the root, and the issuing CA business certificates come from. */
export const testCaDirectory = fileURLToPath(new URL('../../fixtures/demo/test-ca/', import.meta.url));

async function loadIssued(directory: string, name: string): Promise<Issued> {
  const certificate = new X509Certificate(readFileSync(join(directory, `${name}.pem`), 'utf8'));
  const publicKey = await certificate.publicKey.export(rs256, ['verify']);
  return { certificate, keys: await importPrivateKeyPem(readFileSync(join(directory, `${name}.key.pem`), 'utf8'), publicKey) };
}

export async function loadTestCa(directory = testCaDirectory): Promise<{ root: Issued; issuing: Issued }> {
  return { root: await loadIssued(directory, 'root-ca'), issuing: await loadIssued(directory, 'issuing-ca') };
}

/** A fresh test CA: a root valid 25 years and an issuing CA valid 20 years under it. */
export async function createTestCa(): Promise<{ root: Issued; issuing: Issued }> {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const rootKeys = await generateRsaKeys(3072);
  const root: Issued = {
    keys: rootKeys,
    certificate: await issueCertificate({
      subject: [{ C: ['NO'] }, { O: ['ID-porten profile OP (DEMO ONLY)'] }, { CN: ['DEMO TEST Root CA - NOT FOR PRODUCTION'] }],
      keys: rootKeys,
      notBefore,
      notAfter: new Date('2051-01-01T00:00:00Z'),
      ca: true,
    }),
  };
  const issuingKeys = await generateRsaKeys(2048);
  const issuing: Issued = {
    keys: issuingKeys,
    certificate: await issueCertificate({
      subject: [{ C: ['NO'] }, { O: ['ID-porten profile OP (DEMO ONLY)'] }, { CN: ['DEMO TEST Business CA - NOT FOR PRODUCTION'] }],
      keys: issuingKeys,
      issuer: root,
      notBefore,
      notAfter: new Date('2046-01-01T00:00:00Z'),
      ca: true,
    }),
  };
  return { root, issuing };
}

export interface BusinessCertificateFiles {
  /** The business certificate (PEM). */
  cert: string;
  /** Its private key (PKCS#8 PEM). */
  key: string;
  /** The business certificate and the issuing CA (PEM), the order of an x5c header. */
  chain: string;
}

/** A test business certificate for `orgno` from the test CA, valid from an hour ago for `days` days. */
export async function issueTestBusinessCertificate(orgno: string, now = new Date(), days = 365, directory = testCaDirectory): Promise<BusinessCertificateFiles> {
  const { issuing } = await loadTestCa(directory);
  const keys = await generateRsaKeys();
  const certificate = await issueCertificate({
    subject: businessSubject(orgno),
    keys,
    issuer: issuing,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + days * 86_400_000),
  });
  const cert = certificate.toString('pem');
  return { cert: `${cert}\n`, key: `${await privateKeyPem(keys)}\n`, chain: `${cert}\n${issuing.certificate.toString('pem')}\n` };
}

/** x5c of a PEM chain: the base64 DER of each certificate, in file order (RFC 7515 §4.1.6). */
export function x5cOf(pemChain: string): string[] {
  return PemConverter.decode(pemChain).map((der) => Buffer.from(der).toString('base64'));
}

export async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--new-test-ca');
  if (at === -1 || !argv[at + 1]) {
    process.stderr.write('usage: npx tsx scripts/business-certificates.ts --new-test-ca <dir>\n');
    process.exit(2);
  }
  const directory = argv[at + 1]!;
  mkdirSync(directory, { recursive: true });
  const { root, issuing } = await createTestCa();
  for (const [name, issued] of [['root-ca', root], ['issuing-ca', issuing]] as const) {
    writeFileSync(join(directory, `${name}.pem`), `${issued.certificate.toString('pem')}\n`);
    writeFileSync(join(directory, `${name}.key.pem`), `${await privateKeyPem(issued.keys)}\n`);
  }
  process.stdout.write(`test CA written to ${directory}\n`);
}

