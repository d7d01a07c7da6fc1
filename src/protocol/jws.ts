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

const base64urlPart = /^[A-Za-z0-9_-]+$/;

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
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => base64urlPart.test(part))) return undefined;
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') return undefined;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const key = keys.find(header.kid);
  if (!key) return undefined;
  if (s === '') return undefined;
  try {
    await compactVerify(token, await verificationKey(key), { algorithms: ['RS256'] });
  } catch {
    return undefined;
  }
  return { header: { alg: header.alg, kid: header.kid }, payload: payload as Record<string, unknown>, key };
}
