// Random identifiers (codes, tokens, ids, nonces, IVs). Bytes come from the CSPRNG (node:crypto
// randomFillSync, as required by RFC 6749 §10.10 and AUTHZ-19), drawn in 4 KiB batches: one
// system call instead of one per identifier. Every byte is handed out once.
import { randomFillSync } from 'node:crypto';

const poolSize = 4096;
const pool = Buffer.allocUnsafe(poolSize);
let offset = poolSize;

/** `length` fresh random bytes (a copy; the pool is never shared). */
export function randomBytesFromPool(length: number): Buffer {
  if (length > poolSize) return randomFillSync(Buffer.allocUnsafe(length));
  if (offset + length > poolSize) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + length));
  pool.fill(0, offset, offset + length);
  offset += length;
  return bytes;
}

/** base64url of `bytes` random bytes: 16 → 22 characters, 32 → 43. */
export const randomToken = (bytes: number): string => randomBytesFromPool(bytes).toString('base64url');
