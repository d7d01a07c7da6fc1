// npm run keys:generate -- <file>: write a new private JWKS with one RS256 key (JWKS-01, JWKS-04).
import { existsSync } from 'node:fs';
import { newKey, usage, writeKeys } from './keys-file.js';

export async function main(argv: string[]): Promise<void> {
  const [path, flag] = argv;
  if (!path) usage('keys:generate', '<keys-file.json> [--force]');
  if (existsSync(path) && flag !== '--force') {
    process.stderr.write(`${path} exists; use keys:rotate to add a key, or --force to replace it\n`);
    process.exit(1);
  }
  const key = await newKey();
  await writeKeys(path, [key]);
  process.stdout.write(`wrote ${path} with signing key ${key.kid}; point OP_SIGNING_KEYS_FILE at it\n`);
}
