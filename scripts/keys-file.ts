// Shared by keys-generate and keys-rotate: read and write a private JWKS file (mode 0600).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { generatePrivateJwk, parseSigningKeySet } from '../src/keys/signing-keys.js';

export function usage(command: string, text: string): never {
  process.stderr.write(`usage: npm run ${command} -- ${text}\n`);
  process.exit(64);
}

export function readKeys(path: string): JWK[] {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const keys = (JSON.parse(readFileSync(path, 'utf8')) as { keys?: JWK[] }).keys;
  if (!Array.isArray(keys)) throw new Error(`${path} is not a JSON Web Key Set`);
  return keys;
}

/** Validates with the provider's own loader before writing, so the file will load at start. */
export async function writeKeys(path: string, keys: JWK[]): Promise<void> {
  await parseSigningKeySet({ keys }, 'localhost');
  writeFileSync(path, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
}

export const newKey = generatePrivateJwk;
