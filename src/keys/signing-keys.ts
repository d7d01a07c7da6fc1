// The provider's signing keys (JWKS-01…04): loaded from OP_SIGNING_KEYS_FILE (a private JWKS;
// every key is published, and the first key in file order whose `activate_at` is absent or past
// signs: JWKS-03 staged rotation) or, in test mode only, generated once and shared through the
// store so several instances sign with the same key. The set is a ring whose contents a reload
// (SIGHUP, server.ts) replaces in place, so every holder sees the new keys at once.

export type { SigningKey, SigningKeys };
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { Config } from '../config.js';
import { signingKeyAt, type SigningKey, type SigningKeys } from '../protocol/jws.js';
import type { KeySpace } from '../store/keys.js';
import { SharedValueStore } from '../store/shared-values.js';
import type { Store } from '../store/store.js';
import { buildSelfSignedCertificate } from './self-signed-certificate.js';

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** Turn one private JWK into a SigningKey; `where` names it in errors (never its material). */
export async function toSigningKey(jwk: JWK, issuerHost: string, where: string): Promise<SigningKey> {
  // JWKS-01 RFC 7517 §4: RSA signing keys of 2048 bits or more, published with kid and x5c.
  if (jwk.kty !== 'RSA') throw new SigningKeyError(`${where}: kty must be "RSA" (JWKS-01)`);
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') throw new SigningKeyError(`${where}: alg must be "RS256" (JWKS-02)`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new SigningKeyError(`${where}: use must be "sig" (JWKS-01)`);
  for (const member of privateMembers) {
    if (typeof jwk[member] !== 'string') throw new SigningKeyError(`${where}: is not a private RSA key (member "${member}" missing)`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw new SigningKeyError(`${where}: is not a valid RSA private key`);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new SigningKeyError(`${where}: RSA keys must have at least 2048 bits (JWKS-01); this one has ${bits}`);
  const { kty, n, e } = jwk;
  const publicPart: JWK = { kty, n, e };
  // JWKS-04 RFC 7638 §3: the thumbprint is the kid unless the file names one.
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : await calculateJwkThumbprint(publicPart, 'sha256');
  let x5c: string[];
  if (Array.isArray(jwk.x5c) && jwk.x5c.length > 0) {
    x5c = jwk.x5c;
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(Buffer.from(x5c[0]!, 'base64'));
    } catch {
      throw new SigningKeyError(`${where}: x5c[0] is not a base64 DER certificate`);
    }
    if (!leaf.publicKey.equals(createPublicKey(privateKey))) {
      throw new SigningKeyError(`${where}: x5c[0] certifies a different key`);
    }
  } else {
    x5c = [(await buildSelfSignedCertificate(privateKey, issuerHost)).toString('base64')];
  }
  // JWKS-03: a staged key carries the moment it may start signing, in seconds since the epoch.
  const activateAt = (jwk as { activate_at?: unknown }).activate_at;
  if (activateAt !== undefined && (typeof activateAt !== 'number' || !Number.isInteger(activateAt) || activateAt < 0)) {
    throw new SigningKeyError(`${where}: activate_at must be a whole number of seconds since the epoch (JWKS-03)`);
  }
  const publicJwk = Object.freeze({ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e, x5c: [...x5c] });
  return Object.freeze({ kid, alg: 'RS256' as const, privateKey, publicJwk, x5c: Object.freeze([...x5c]), ...(activateAt !== undefined ? { activateAt: activateAt * 1000 } : {}) });
}

interface KeySet {
  readonly keys: readonly SigningKey[];
  readonly jwks: { readonly keys: readonly Readonly<JWK>[] };
  readonly byKid: ReadonlyMap<string, SigningKey>;
  readonly source: SigningKeys['source'];
}

/** The provider's keys; `replace` swaps them for a reloaded set in place (SIGHUP). */
export class SigningKeyRing implements SigningKeys {
  #set: KeySet;

  constructor(keys: SigningKey[], source: SigningKeys['source']) {
    if (keys.length === 0) throw new SigningKeyError('the key set is empty');
    const kids = new Set<string>();
    for (const key of keys) {
      if (kids.has(key.kid)) throw new SigningKeyError(`kid "${key.kid}" appears twice in the key set`);
      kids.add(key.kid);
    }
    this.#set = Object.freeze({
      keys: Object.freeze([...keys]),
      // JWKS-03: every key is published, staged and retired ones too (retired ones verify the
      // tokens they signed and id_token_hint values, LOGOUT-03; staged ones get cached ahead).
      jwks: Object.freeze({ keys: Object.freeze(keys.map((key) => key.publicJwk)) }),
      byKid: new Map(keys.map((key) => [key.kid, key])),
      source,
    });
  }

  signingKey(nowMs: number): SigningKey {
    // A clock far behind every activate_at (never the case for a set that loaded): the key due first.
    return signingKeyAt(this.#set.keys, nowMs) ?? [...this.#set.keys].sort((a, b) => (a.activateAt ?? 0) - (b.activateAt ?? 0))[0]!;
  }

  get active(): SigningKey {
    return this.signingKey(Date.now());
  }

  get all(): readonly SigningKey[] {
    return this.#set.keys;
  }

  get jwks(): { readonly keys: readonly Readonly<JWK>[] } {
    return this.#set.jwks;
  }

  get source(): SigningKeys['source'] {
    return this.#set.source;
  }

  find(kid: string): SigningKey | undefined {
    return this.#set.byKid.get(kid);
  }

  /** Take over the keys of `next` (a reloaded file); whoever holds this ring sees them at once. */
  replace(next: SigningKeyRing): void {
    this.#set = next.#set;
  }
}

/** Parse a private JWKS (the file format of OP_SIGNING_KEYS_FILE). */
export async function parseSigningKeySet(input: unknown, issuerHost: string, source: SigningKeys['source'] = 'file'): Promise<SigningKeyRing> {
  const keys = (input as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new SigningKeyError('must be a JSON Web Key Set {"keys":[…]} with at least one private key');
  const parsed: SigningKey[] = [];
  for (const [i, jwk] of keys.entries()) parsed.push(await toSigningKey(jwk as JWK, issuerHost, `keys[${i}]`));
  return new SigningKeyRing(parsed, source);
}

export async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: 'RS256', use: 'sig', kid: await calculateJwkThumbprint({ kty: jwk.kty!, n: jwk.n!, e: jwk.e! }, 'sha256') };
}

/**
 * Load the keys the configuration asks for. Without a file (test mode only; config refuses it in
 * prod), generate one; with a store other than the embedded one, the first instance's key wins
 * (SET NX) and every later instance adopts it.
 */
export async function loadSigningKeys(config: Pick<Config, 'signingKeysFile' | 'issuer'>, store: Store, keys: KeySpace, nowMs: number = Date.now()): Promise<SigningKeyRing> {
  const issuerHost = new URL(config.issuer).host;
  if (config.signingKeysFile) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(config.signingKeysFile, 'utf8'));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
      throw new SigningKeyError(`OP_SIGNING_KEYS_FILE cannot be read (${reason})`);
    }
    let ring: SigningKeyRing;
    try {
      ring = await parseSigningKeySet(json, issuerHost, 'file');
    } catch (error) {
      throw new SigningKeyError(`OP_SIGNING_KEYS_FILE ${(error as Error).message}`);
    }
    // JWKS-03: staged keys wait for their moment, but something must sign now.
    if (!signingKeyAt(ring.all, nowMs)) throw new SigningKeyError('OP_SIGNING_KEYS_FILE has no key that may sign now: every key has an activate_at in the future (JWKS-03)');
    return ring;
  }
  const generated = await generatePrivateJwk();
  const { value: shared, created } = await new SharedValueStore(store, keys).signingKey(generated as never);
  if (!shared) throw new SigningKeyError('the shared signing key vanished from the store while starting; start again');
  return parseSigningKeySet({ keys: [shared] }, issuerHost, created ? 'generated' : 'shared');
}
