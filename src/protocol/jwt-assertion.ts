// The JWTs clients sign (RFC 7515 compact JWS with RS256, RFC 7519 claims; RFC 7523 §3): the client
// assertion of private_key_jwt (TOKEN-06…08) and the grant of the JWT-bearer grant (TOKEN-21).
// Every signature from outside is checked by jose (compactVerify, RS256 only, no unknown crit
// header): one audited implementation instead of our own. The claim checks follow RFC 7519 §4.1 as
// jose applies them (the same order and tolerances), each failure a typed fault its caller turns
// into a description that names the rule (jose's own errors would not say which).
import type { KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import type { DecodedJws } from './jws.js';

/**
 * RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256 by the public `key`, verified by jose. RFC 7515
 * §4.1.11: a critical header extension we do not understand makes the JWS invalid; jose refuses
 * every `crit` it is not told to accept, and none is.
 */
export async function verifiesRs256(jws: DecodedJws, key: KeyObject): Promise<boolean> {
  if (jws.header.alg !== 'RS256' || !jws.signed) return false;
  try {
    await compactVerify(jws.compact, key, { algorithms: ['RS256'] });
    return true;
  } catch {
    return false;
  }
}

/** Why the claims of an assertion were refused. */
export type ClaimFault =
  | { kind: 'missing'; claim: string }
  | { kind: 'mismatch'; claim: 'iss' | 'sub' | 'aud' }
  | { kind: 'invalid'; claim: 'iat' | 'nbf' | 'exp' }
  | { kind: 'not-yet-valid' }
  | { kind: 'expired' };

export interface ClaimExpectations {
  issuer: string;
  /** RFC 7523 §3 item 2: checked when given. */
  subject?: string;
  /** RFC 7523 §3 item 3: the aud claim must contain one of these. */
  audiences: readonly string[];
  /** Claims that must be present (besides iss, sub and aud when expected). */
  required: readonly string[];
  nowSeconds: number;
  /** Seconds of clock skew tolerated on nbf and exp. */
  tolerance: number;
}

/** RFC 7519 §4.1, RFC 7523 §3: the fault of the first claim that fails, or undefined. */
export function claimFault(payload: Readonly<Record<string, unknown>>, expected: ClaimExpectations): ClaimFault | undefined {
  const present = new Set(['iss', ...(expected.subject !== undefined ? ['sub'] : []), 'aud', ...[...expected.required].reverse()]);
  for (const claim of present) if (!Object.hasOwn(payload, claim)) return { kind: 'missing', claim };
  if (payload.iss !== expected.issuer) return { kind: 'mismatch', claim: 'iss' };
  if (expected.subject !== undefined && payload.sub !== expected.subject) return { kind: 'mismatch', claim: 'sub' };
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  if (!audiences.some((aud) => typeof aud === 'string' && expected.audiences.includes(aud))) return { kind: 'mismatch', claim: 'aud' };
  // RFC 7519 §2: NumericDate values are numbers.
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    if (payload[claim] !== undefined && (typeof payload[claim] !== 'number' || !Number.isFinite(payload[claim]))) return { kind: 'invalid', claim };
  }
  if (typeof payload.nbf === 'number' && payload.nbf > expected.nowSeconds + expected.tolerance) return { kind: 'not-yet-valid' };
  if (typeof payload.exp === 'number' && payload.exp <= expected.nowSeconds - expected.tolerance) return { kind: 'expired' };
  return undefined;
}
