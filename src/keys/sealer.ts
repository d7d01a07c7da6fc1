// Authenticated encryption of small JSON values for cookies (AES-256-GCM, NIST SP 800-38D).
// The cookie's name/purpose is bound as associated data, so a value sealed for one interaction
// cannot be replayed as another.
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { randomBytesFromPool } from '../random.js';

export class CookieSealer {
  readonly #key: Buffer;

  constructor(secret: string, purpose: string) {
    // RFC 5869: a key of its own for each purpose, derived from the shared secret.
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'idporten-op', `cookie:${purpose}`, 32));
  }

  seal(value: unknown, associatedData: string): string {
    const iv = randomBytesFromPool(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The value, or undefined when the cookie was not sealed by us for this purpose. */
  unseal<T>(sealed: string | undefined, associatedData: string): T | undefined {
    if (!sealed || sealed.length > 8000) return undefined;
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 12 + 16 + 1) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }
}
