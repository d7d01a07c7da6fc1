// npm run certs:issue -- --orgno <9 digits> --out <dir> [--days N]
// Issues a test business certificate (TOKEN-08) for an organisation from the repository's test
// CA and writes cert.pem, key.pem (PKCS#8, unencrypted) and chain.pem (certificate, then the
// issuing CA: the order of an x5c header). Test mode only: prod never trusts the test CA (ENV-03).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasValidOrgnoCheckDigit } from '../registry/client-schema.js';
import { issueTestBusinessCertificate } from './business-certificates.js';
import { option } from './keys-file.js';

export async function main(argv: string[]): Promise<void> {
  const usage = 'usage: npm run certs:issue -- --orgno <9-digit organisation number> --out <directory> [--days <validity in days, default 365>]\n';
  const orgno = option(argv, 'orgno');
  const out = option(argv, 'out');
  const days = Number(option(argv, 'days') ?? 365);
  if (!orgno || !out || !Number.isInteger(days) || days < 1) {
    process.stderr.write(usage);
    process.exit(2);
  }
  if (!hasValidOrgnoCheckDigit(orgno)) {
    process.stderr.write(`--orgno ${orgno} is not a 9-digit organisation number with a valid mod-11 check digit\n`);
    process.exit(2);
  }
  const files = await issueTestBusinessCertificate(orgno, new Date(), days);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'cert.pem'), files.cert);
  writeFileSync(join(out, 'key.pem'), files.key, { mode: 0o600 });
  writeFileSync(join(out, 'chain.pem'), files.chain);
  process.stdout.write(`test business certificate for ${orgno} written to ${join(out, 'cert.pem')}, key.pem and chain.pem (demo CA, test mode only)\n`);
}
