import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { generatePrivateJwk, loadSigningKeys, parseSigningKeySet, SigningKeyError } from '../src/keys/signing-keys.js';
import { keySpace } from '../src/store/keys.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { createRedisClient, parseRedisUrl } from '../src/store/redis-connection.js';
import { RedisStore } from '../src/store/redis-store.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from './support/redis.js';
import { issuer } from './support/vocabulary.js';

const writeTemp = (content: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'op-keys-'));
  const path = join(dir, 'keys.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const errorOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: Error) => {
      expect(error).toBeInstanceOf(SigningKeyError);
      return error.message;
    },
  );

describe('signing keys', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('JWKS-01 publishes RSA signing keys with kty, use, alg, kid, n, e and x5c, and no private part', async () => {
    const keys = await parseSigningKeySet({ keys: [await generatePrivateJwk()] }, new URL(issuer).host);
    const [published] = keys.jwks.keys;
    expect(Object.keys(published!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c']);
    expect(published).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
  });

  it('JWKS-01 x5c holds a certificate for exactly the published key, identical on every load', async () => {
    const jwk = await generatePrivateJwk();
    const first = await parseSigningKeySet({ keys: [jwk] }, 'login.example.no');
    const second = await parseSigningKeySet({ keys: [jwk] }, 'login.example.no');
    const der = Buffer.from(first.active.x5c[0]!, 'base64');
    const certificate = new X509Certificate(der);
    expect(certificate.publicKey.equals(createPublicKey({ key: first.active.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' }))).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.subject).toBe('CN=login.example.no');
    expect(second.active.x5c).toEqual(first.active.x5c);
  });

  it('JWKS-01 keeps an x5c given in the keys file and refuses one for another key', async () => {
    const jwk = await generatePrivateJwk();
    const other = await parseSigningKeySet({ keys: [await generatePrivateJwk()] }, 'x');
    const own = await parseSigningKeySet({ keys: [jwk] }, 'x');
    expect((await parseSigningKeySet({ keys: [{ ...jwk, x5c: own.active.x5c }] }, 'y')).active.x5c).toEqual(own.active.x5c);
    expect(await errorOf(parseSigningKeySet({ keys: [{ ...jwk, x5c: other.active.x5c }] }, 'y'))).toBe('keys[0]: x5c[0] certifies a different key');
  });

  it('JWKS-04 uses the RFC 7638 thumbprint as kid unless the file names one', async () => {
    const { kid: _omit, ...jwk } = await generatePrivateJwk();
    const keys = await parseSigningKeySet({ keys: [jwk] }, 'x');
    expect(keys.active.kid).toBe(await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n!, e: jwk.e! }, 'sha256'));
    expect(keys.active.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await parseSigningKeySet({ keys: [{ ...jwk, kid: 'named-2026' }] }, 'x')).active.kid).toBe('named-2026');
  });

  it('JWKS-03 without activate_at the first key of the file signs, and every key is published for verification', async () => {
    const [next, previous] = [await generatePrivateJwk(), await generatePrivateJwk()];
    const keys = await loadSigningKeys({ issuer, signingKeysFile: writeTemp({ keys: [next, previous] }) }, new MemoryStore((k) => k), keySpace('x:'));
    expect(keys.source).toBe('file');
    expect(keys.active.kid).toBe(next.kid);
    expect(keys.jwks.keys.map((k) => k.kid)).toEqual([next.kid, previous.kid]);
    expect(keys.find(previous.kid!)?.kid).toBe(previous.kid);
  });

  it('refuses unusable key files with a message that names the key, never its material', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const smallJwk = (await exportJWK(small)) as JWK;
    const good = await generatePrivateJwk();
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicOnly } = good;
    const cases: [unknown, string][] = [
      [{ keys: [] }, 'must be a JSON Web Key Set {"keys":[…]} with at least one private key'],
      [{ keys: [smallJwk] }, 'keys[0]: RSA keys must have at least 2048 bits (JWKS-01); this one has 1024'],
      [{ keys: [publicOnly] }, 'keys[0]: is not a private RSA key (member "d" missing)'],
      [{ keys: [{ ...good, alg: 'PS256' }] }, 'keys[0]: alg must be "RS256" (JWKS-02)'],
      [{ keys: [{ kty: 'EC', crv: 'P-256' }] }, 'keys[0]: kty must be "RSA" (JWKS-01)'],
      [{ keys: [good, good] }, `kid "${good.kid}" appears twice in the key set`],
    ];
    for (const [content, message] of cases) {
      const error = await errorOf(loadSigningKeys({ issuer, signingKeysFile: writeTemp(content) }, new MemoryStore((k) => k), keySpace('x:')));
      expect(error).toBe(`OP_SIGNING_KEYS_FILE ${message}`);
      expect(error).not.toContain(good.d!.slice(0, 20));
    }
    expect(await errorOf(loadSigningKeys({ issuer, signingKeysFile: writeTemp('{not json') }, new MemoryStore((k) => k), keySpace('x:')))).toBe(
      'OP_SIGNING_KEYS_FILE cannot be read (not valid JSON)',
    );
    expect(await errorOf(loadSigningKeys({ issuer, signingKeysFile: '/nonexistent/keys.json' }, new MemoryStore((k) => k), keySpace('x:')))).toBe(
      'OP_SIGNING_KEYS_FILE cannot be read (ENOENT)',
    );
  });

  it('generates one key in test mode and shares it through Redis, so every instance signs alike', async () => {
    const prefix = uniquePrefix('keys');
    const open = async () => {
      const topology = parseRedisUrl(testRedisUrl);
      const store = new RedisStore(createRedisClient(topology), topology, keySpace(prefix).usedMarker);
      await store.connect();
      cleanups.push(() => store.close());
      return store;
    };
    cleanups.push(() => deleteKeys(prefix));
    const [a, b] = await Promise.all([open(), open()]);
    const first = await loadSigningKeys({ issuer, signingKeysFile: undefined }, a, keySpace(prefix));
    const second = await loadSigningKeys({ issuer, signingKeysFile: undefined }, b, keySpace(prefix));
    expect(first.source).toBe('generated');
    expect(second.source).toBe('shared');
    expect(second.active.kid).toBe(first.active.kid);
    expect(second.jwks).toEqual(first.jwks);
  });
});
