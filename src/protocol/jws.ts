// RFC 7515 compact JWS with RS256 (RFC 7518 §3.3): our own tokens. Signing is node:crypto's
// synchronous RSA sign with a header fixed per key (alg, kid, x5c; JWKS-02 — no typ, as
// ID-porten's tokens have none), encoded once: every login signs two or three tokens, and the
// benchmark (README, "Benchmark") shows WebCrypto's asynchronous job per signature costing more
// than the signature itself. Verification — a token that comes back to us from outside
// (/userinfo, introspection, revocation, id_token_hint) — goes through jose like every other
// signature we check.
import { sign, type KeyObject } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';

/** One of our RS256 keys (keys/signing-keys.ts loads them). */
export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256';
  readonly privateKey: KeyObject;
  /** The public JWK as published: kty, use, alg, kid, n, e, x5c. */
  readonly publicJwk: Readonly<JWK>;
  /** JWKS-02: carried in every JWS header we issue. */
  readonly x5c: readonly string[];
  /** JWKS-03: ms since the epoch from which this key may sign (`activate_at` in the keys file); absent: at once. */
  readonly activateAt?: number;
}

export interface SigningKeys {
  /**
   * JWKS-03: the key that signs at `nowMs` (the injected clock, so every instance switches at the
   * same moment): the first key in file order whose activate_at is absent or past.
   */
  signingKey(nowMs: number): SigningKey;
  /** The key that signs now by the system clock (tools and tests; the provider asks signingKey). */
  readonly active: SigningKey;
  /** Every key in file order, staged and retired ones included: all are published (JWKS-03). */
  readonly all: readonly SigningKey[];
  readonly jwks: { readonly keys: readonly Readonly<JWK>[] };
  readonly source: 'file' | 'generated' | 'shared';
  find(kid: string): SigningKey | undefined;
}

/** JWKS-03: the first key of `keys` (file order) that may sign at `nowMs`, or undefined. */
export function signingKeyAt(keys: readonly SigningKey[], nowMs: number): SigningKey | undefined {
  for (const key of keys) if (key.activateAt === undefined || key.activateAt <= nowMs) return key;
  return undefined;
}

const encodedHeaders = new WeakMap<SigningKey, string>();

function encodedHeader(key: SigningKey): string {
  let header = encodedHeaders.get(key);
  if (header === undefined) {
    // JWKS-02 RFC 7515 §4.1.4, §4.1.6: kid selects the key, x5c carries its certificate.
    header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: key.kid, x5c: key.x5c })).toString('base64url');
    encodedHeaders.set(key, header);
  }
  return header;
}

export function signJwt(payload: Readonly<Record<string, unknown>>, key: SigningKey): string {
  const signingInput = `${encodedHeader(key)}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

export interface VerifiedJwt {
  header: { alg: string; kid?: string };
  payload: Record<string, unknown>;
  key: SigningKey;
}

export interface DecodedJws {
  header: Readonly<Record<string, unknown>>;
  payload: Readonly<Record<string, unknown>>;
  /** The JWS as received, which jose verifies (RFC 7515 §7.1). */
  compact: string;
  /** Whether it has a signature part at all (an empty one is an unsecured JWS, RFC 7515 §7.1). */
  signed: boolean;
}

const base64urlPart = /^[A-Za-z0-9_-]*$/;

const jsonObject = (part: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** RFC 7515 §7.1: three base64url parts, a JSON object header and payload; undefined otherwise. */
export function decodeCompactJws(token: string): DecodedJws | undefined {
  if (token.length > 65_536) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => base64urlPart.test(part)) || parts[0] === '' || parts[1] === '') return undefined;
  const header = jsonObject(parts[0]!);
  const payload = jsonObject(parts[1]!);
  if (!header || !payload) return undefined;
  return { header, payload, compact: token, signed: parts[2] !== '' };
}

/** The public half of each key as jose wants it, imported once. */
const verificationKeys = new WeakMap<SigningKey, Promise<Awaited<ReturnType<typeof importJWK>>>>();

function verificationKey(key: SigningKey): Promise<Awaited<ReturnType<typeof importJWK>>> {
  let imported = verificationKeys.get(key);
  if (imported === undefined) {
    const { kty, n, e } = key.publicJwk;
    imported = importJWK({ kty, n, e }, 'RS256');
    verificationKeys.set(key, imported);
  }
  return imported;
}

/**
 * Verify a JWS we issued: RS256 only (never `none`, never an HMAC with our public key), signed
 * by one of our current or retired keys (JWKS-03), checked by jose. Returns undefined for
 * anything else; claims are the caller's to check.
 */
export async function verifyOwnJwt(token: string, keys: SigningKeys): Promise<VerifiedJwt | undefined> {
  const jws = decodeCompactJws(token);
  if (!jws?.signed) return undefined;
  const { alg, kid } = jws.header;
  if (alg !== 'RS256' || typeof kid !== 'string') return undefined;
  const key = keys.find(kid);
  if (!key) return undefined;
  try {
    await compactVerify(token, await verificationKey(key), { algorithms: ['RS256'] });
  } catch {
    return undefined;
  }
  return { header: { alg, kid }, payload: jws.payload as Record<string, unknown>, key };
}
