// OP_TRUSTED_CA_FILE and OP_CRL_FILE (TOKEN-08, ENV-03): what start-up accepts, and what prod mode
// refuses: the repository's test CA, and certificate clients without a CA file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrustStoreError, certificateFingerprint, loadTrustAnchors, parseCaBundle, testCaFiles, testCaFingerprints } from '../../src/keys/trust-store.js';
import { certificateWorld } from './support.js';

const directory = mkdtempSync(join(tmpdir(), 'op-trust-'));
const write = (name: string, text: string): string => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};
const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TrustStoreError);
    return (error as Error).message;
  }
  throw new Error('expected a TrustStoreError');
};

describe('the trust store', () => {
  it('ENV-03 test mode without OP_TRUSTED_CA_FILE trusts the test CA root of fixtures/demo/test-ca', () => {
    const trust = loadTrustAnchors({ mode: 'test', trustedCaFile: undefined, crlFile: undefined }, true);
    expect(trust.certificates.map((c) => c.subject)).toEqual(['C=NO, O=ID-porten profile OP (DEMO ONLY), CN=DEMO TEST Root CA - NOT FOR PRODUCTION']);
    expect(trust.description).toContain('test mode');
  });

  it('ENV-03 the fingerprints prod recognises the test CA by are those of fixtures/demo/test-ca', () => {
    const fixtures = [testCaFiles.root, testCaFiles.issuing].map((file) => certificateFingerprint(parseCaBundle(readFileSync(file, 'utf8'), file)[0]!.rawData));
    expect(fixtures).toEqual(testCaFingerprints);
  });

  it('ENV-03 prod mode refuses an OP_TRUSTED_CA_FILE that contains the test CA, root or issuing CA', () => {
    for (const file of [testCaFiles.root, testCaFiles.issuing]) {
      const bundle = write('with-test-ca.pem', readFileSync(file, 'utf8'));
      expect(messageOf(() => loadTrustAnchors({ mode: 'prod', trustedCaFile: bundle, crlFile: undefined }, true))).toContain('OP_TRUSTED_CA_FILE contains the test CA');
    }
  });

  it('ENV-03 TOKEN-08 prod mode needs OP_TRUSTED_CA_FILE once a client uses business certificates, and trusts nothing otherwise', () => {
    expect(messageOf(() => loadTrustAnchors({ mode: 'prod', trustedCaFile: undefined, crlFile: undefined }, true))).toBe(
      'OP_TRUSTED_CA_FILE is required in prod mode when a client authenticates with a business certificate or is locked to one (TOKEN-08, ENV-03)',
    );
    expect(loadTrustAnchors({ mode: 'prod', trustedCaFile: undefined, crlFile: undefined }, false).certificates).toEqual([]);
  });

  it('TOKEN-08 the CA file must hold PEM CA certificates, the CRL file PEM CRLs, each named when broken', async () => {
    const world = await certificateWorld();
    const leaf = await world.issue();
    const test = (trustedCaFile: string | undefined, crlFile?: string) => () => loadTrustAnchors({ mode: 'test', trustedCaFile, crlFile }, false);
    expect(messageOf(test(write('empty.pem', 'nothing here')))).toBe('OP_TRUSTED_CA_FILE holds no PEM CERTIFICATE block');
    expect(messageOf(test(join(directory, 'missing.pem')))).toBe('OP_TRUSTED_CA_FILE cannot be read (ENOENT)');
    expect(messageOf(test(write('leaf.pem', leaf.leaf.certificate.toString('pem'))))).toMatch(/^OP_TRUSTED_CA_FILE certificate #1 \(.*\) is not a CA certificate \(basicConstraints cA\)$/);
    expect(messageOf(test(write('garbage.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')))).toBe('OP_TRUSTED_CA_FILE certificate #1 is not a DER certificate');
    expect(messageOf(test(undefined, write('no-crl.pem', 'x')))).toBe('OP_CRL_FILE holds no PEM X509 CRL block');
    const crl = world.crlFile(await world.crl(world.issuing, [leaf.serialNumber]));
    expect(loadTrustAnchors({ mode: 'test', trustedCaFile: world.caFile(world.root, world.strangerRoot), crlFile: crl }, false)).toMatchObject({ certificates: { length: 2 }, crls: { length: 1 } });
  });
});
