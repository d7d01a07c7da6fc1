// The trust material for business certificates (TOKEN-08, ENV-03): OP_TRUSTED_CA_FILE, a PEM
// bundle of trusted CA certificates (roots and intermediates), and OP_CRL_FILE, PEM revocation
// lists, read at start. In test mode without OP_TRUSTED_CA_FILE the repository's test CA
// (fixtures/demo/test-ca, demo material) is trusted; prod mode never trusts it, and needs
// OP_TRUSTED_CA_FILE as soon as a client authenticates with a certificate.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import type { TrustAnchors } from '../protocol/business-certificate.js';
import { BasicConstraintsExtension, X509Certificate, X509Crl } from '../protocol/x509.js';

export class TrustStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustStoreError';
  }
}

/** The demo test CA: trusted in test mode when OP_TRUSTED_CA_FILE is unset; never in prod. */
export const testCaFiles = {
  root: fileURLToPath(new URL('../../fixtures/demo/test-ca/root-ca.pem', import.meta.url)),
  issuing: fileURLToPath(new URL('../../fixtures/demo/test-ca/issuing-ca.pem', import.meta.url)),
};

/**
 * ENV-03: SHA-256 (base64url) of the test CA certificates' DER, so prod recognises them without
 * the fixture files (a test keeps these equal to fixtures/demo/test-ca).
 */
export const testCaFingerprints: readonly string[] = ['lS5SjKli9aEFgiXu89AH6pEsmEExJS137DAlgZ7n4qI', 'UmgSuVhtjE1JJwooNqmCyhheAHVV-VTgxDXUOpXWaQ0'];

/** SHA-256 of a certificate's DER, base64url. */
export const certificateFingerprint = (der: ArrayBuffer | Buffer): string => createHash('sha256').update(Buffer.from(der as ArrayBuffer)).digest('base64url');

export interface LoadedTrustAnchors extends TrustAnchors {
  /** What is trusted, for the start-up log. */
  readonly description: string;
}

interface PemBlock {
  label: string;
  der: Buffer;
}

/** RFC 7468: the labelled base64 blocks of a PEM file. */
function pemBlocks(text: string, variable: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    const body = match[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new TrustStoreError(`${variable} block #${blocks.length + 1} (${match[1]}) is not base64 (RFC 7468)`);
    blocks.push({ label: match[1]!, der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

function readText(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TrustStoreError(`${variable} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The CA certificates of a PEM bundle; each must parse and be a CA certificate (RFC 5280 §4.2.1.9). */
export function parseCaBundle(text: string, variable: string): X509Certificate[] {
  const blocks = pemBlocks(text, variable).filter((block) => block.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new TrustStoreError(`${variable} holds no PEM CERTIFICATE block`);
  return blocks.map((block, i) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block.der);
    } catch {
      throw new TrustStoreError(`${variable} certificate #${i + 1} is not a DER certificate`);
    }
    if (!certificate.getExtension(BasicConstraintsExtension)?.ca) {
      throw new TrustStoreError(`${variable} certificate #${i + 1} (${certificate.subject}) is not a CA certificate (basicConstraints cA)`);
    }
    return certificate;
  });
}

/** The CRLs of a PEM file (label X509 CRL, RFC 7468 §6). */
export function parseCrls(text: string, variable: string): X509Crl[] {
  const blocks = pemBlocks(text, variable).filter((block) => block.label === 'X509 CRL' || block.label === 'CRL');
  if (blocks.length === 0) throw new TrustStoreError(`${variable} holds no PEM X509 CRL block`);
  return blocks.map((block, i) => {
    try {
      return new X509Crl(block.der);
    } catch {
      throw new TrustStoreError(`${variable} CRL #${i + 1} is not a DER certificate revocation list`);
    }
  });
}

/**
 * Load what business certificates are checked against. `required`: some client of the registry
 * authenticates with a business certificate or is locked to one (server.ts decides).
 */
export function loadTrustAnchors(config: Pick<Config, 'mode' | 'trustedCaFile' | 'crlFile'>, required: boolean): LoadedTrustAnchors {
  const crls = config.crlFile ? parseCrls(readText(config.crlFile, 'OP_CRL_FILE'), 'OP_CRL_FILE') : [];
  if (config.trustedCaFile) {
    const certificates = parseCaBundle(readText(config.trustedCaFile, 'OP_TRUSTED_CA_FILE'), 'OP_TRUSTED_CA_FILE');
    if (config.mode === 'prod') {
      // ENV-03: the test CA's key is public; prod must never trust it.
      if (certificates.some((certificate) => testCaFingerprints.includes(certificateFingerprint(certificate.rawData)))) {
        throw new TrustStoreError('OP_TRUSTED_CA_FILE contains the test CA of fixtures/demo/test-ca, whose private key is public: prod mode trusts only real CAs (ENV-03)');
      }
    }
    return { certificates, crls, description: `${certificates.length} CA certificate(s) from OP_TRUSTED_CA_FILE` };
  }
  if (config.mode === 'test') {
    // ENV-03: test mode trusts the repository's test CA (demo material).
    return { certificates: parseCaBundle(readText(testCaFiles.root, 'the test CA'), 'the test CA'), crls, description: 'the test CA of fixtures/demo/test-ca (test mode)' };
  }
  if (required) {
    throw new TrustStoreError('OP_TRUSTED_CA_FILE is required in prod mode when a client authenticates with a business certificate or is locked to one (TOKEN-08, ENV-03)');
  }
  return { certificates: [], crls, description: 'none (no client uses business certificates)' };
}
