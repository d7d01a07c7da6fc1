// PKCE, RFC 7636 (AUTHZ-07 at the authorization endpoint, TOKEN-10 at the token endpoint).
import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is exactly 43 characters, no padding. */
export const s256ChallengePattern = /^[A-Za-z0-9_-]{43}$/;

/** RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
export const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.2, §4.6: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** RFC 7636 §4.6: the S256 transformation of the verifier must equal the stored challenge. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  const computed = s256(verifier);
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
