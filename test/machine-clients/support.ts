// What the business-certificate and machine-client tests share: certificates built on the fly
// from the repository's test CA (or a CA of their own), CRLs in temporary files, and JWTs signed
// by hand (jose refuses to sign with an RSA key under 2048 bits, which one case needs).
import { KeyObject, createHash, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  businessSubject,
  generateRsaKeys,
  issueCertificate,
  issueCrl,
  loadTestCa,
  type Issued,
  type KeyPair,
} from '../../scripts/business-certificates.js';
import { KeyUsageFlags, type JsonName } from '../../src/protocol/x509.js';

export const orgno = '991825827';
export const otherOrgno = '974760673';
export const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const day = 86_400_000;

/** A certificate (as x5c, leaf first) and the private key of its leaf. */
export interface Credential {
  x5c: string[];
  privateKey: KeyObject;
  /** The leaf's serial number (hexadecimal), for CRLs. */
  serialNumber: string;
  leaf: Issued;
}

const der = (issued: Issued): string => Buffer.from(issued.certificate.rawData).toString('base64');

/** The test CA and a few key pairs, generated once per test file (RSA generation is the slow part). */
export interface CertificateWorld {
  root: Issued;
  issuing: Issued;
  /** A CA that nobody trusts, with its own issuing CA. */
  strangerRoot: Issued;
  strangerIssuing: Issued;
  keys: KeyPair[];
  weakKeys: KeyPair;
  /** A business certificate for `orgno` from the test CA's issuing CA, valid around `now`. */
  issue(options?: IssueOptions): Promise<Credential>;
  /** Write PEM CRLs to a temporary file for OP_CRL_FILE. */
  crlFile(...crls: string[]): string;
  /** A CRL of `issuer` revoking `serials`, as PEM. */
  crl(issuer: Issued, serials: string[]): Promise<string>;
  /** A temporary OP_TRUSTED_CA_FILE holding these CAs. */
  caFile(...cas: Issued[]): string;
}

export interface IssueOptions {
  orgno?: string;
  subject?: JsonName;
  now?: number;
  notBefore?: number;
  notAfter?: number;
  issuer?: Issued;
  /** The chain sent after the leaf (default: the issuing CA). */
  chain?: Issued[];
  keyUsage?: KeyUsageFlags | null;
  keys?: KeyPair;
  selfSigned?: boolean;
}

export async function certificateWorld(): Promise<CertificateWorld> {
  const { root, issuing } = await loadTestCa();
  const [strangerRootKeys, strangerIssuingKeys, ...keys] = await Promise.all([generateRsaKeys(), generateRsaKeys(), generateRsaKeys(), generateRsaKeys(), generateRsaKeys()]);
  const weakKeys = await generateRsaKeys(1024);
  const start = new Date(Date.now() - 30 * day);
  const end = new Date(Date.now() + 3650 * day);
  const strangerRoot: Issued = {
    keys: strangerRootKeys!,
    certificate: await issueCertificate({ subject: [{ CN: ['Stranger Root CA'] }], keys: strangerRootKeys!, notBefore: start, notAfter: end, ca: true }),
  };
  const strangerIssuing: Issued = {
    keys: strangerIssuingKeys!,
    // The same name as the test CA's issuing CA: only signatures tell them apart.
    certificate: await issueCertificate({ subject: issuing.certificate.subjectName.toJSON(), keys: strangerIssuingKeys!, issuer: strangerRoot, notBefore: start, notAfter: end, ca: true }),
  };
  const directory = mkdtempSync(join(tmpdir(), 'op-certs-'));
  let files = 0;
  let next = 0;
  return {
    root,
    issuing,
    strangerRoot,
    strangerIssuing,
    keys,
    weakKeys,
    async issue(options: IssueOptions = {}): Promise<Credential> {
      const now = options.now ?? Date.now();
      const leafKeys = options.keys ?? keys[next++ % keys.length]!;
      const issuer = options.issuer ?? issuing;
      const subject = options.subject ?? businessSubject(options.orgno ?? orgno);
      const certificate = await issueCertificate({
        subject,
        keys: leafKeys,
        ...(options.selfSigned ? {} : { issuer }),
        notBefore: new Date(options.notBefore ?? now - day),
        notAfter: new Date(options.notAfter ?? now + 365 * day),
        ...(options.keyUsage !== undefined ? { keyUsage: options.keyUsage } : {}),
      });
      const leaf: Issued = { certificate, keys: leafKeys };
      const chain = options.selfSigned ? [] : (options.chain ?? [issuer]);
      return { x5c: [der(leaf), ...chain.map(der)], privateKey: KeyObject.from(leafKeys.privateKey), serialNumber: certificate.serialNumber, leaf };
    },
    crlFile(...crls: string[]): string {
      const path = join(directory, `crl-${files++}.pem`);
      writeFileSync(path, crls.join('\n'));
      return path;
    },
    async crl(issuer: Issued, serials: string[]): Promise<string> {
      return (await issueCrl(issuer, serials, new Date(Date.now() - day), new Date(Date.now() + 30 * day))).toString('pem').replace('BEGIN CRL', 'BEGIN X509 CRL').replace('END CRL', 'END X509 CRL');
    },
    caFile(...cas: Issued[]): string {
      const path = join(directory, `ca-${files++}.pem`);
      writeFileSync(path, cas.map((ca) => ca.certificate.toString('pem')).join('\n'));
      return path;
    },
  };
}

/** A compact RS256 JWS made with node:crypto: any header, any payload, any RSA key size. */
export function signJws(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

export const newJti = (): string => randomBytes(12).toString('base64url');

/** The base64url SHA-256 of a string (PKCE challenges). */
export const s256 = (value: string): string => createHash('sha256').update(value).digest('base64url');
