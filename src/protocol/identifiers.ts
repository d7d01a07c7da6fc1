// Every random identifier the provider hands out, with the entropy its rule demands. Bytes come
// from the CSPRNG (random.ts); base64url without padding: 32 bytes give 43 characters.
import { randomToken } from '../random.js';

/** AUTHZ-19 RFC 6749 §10.10: ≥128 bits from a CSPRNG; 256 bits, 43 characters as observed. */
export const newCode = (): string => randomToken(32);

/** TOKEN-13: refresh tokens are bearer secrets of 256 bits, stored only under their hash. */
export const newRefreshToken = (): string => randomToken(32);

/** IDT-07, AT-02: a unique random jti (~64 bits, base64url, as ID-porten's 11-character jtis). */
export const newJti = (): string => randomToken(8);

/** AT-01: an opaque access token is a bearer secret of 256 bits, stored only under its hash. */
export const newAccessTokenHandle = (): string => randomToken(32);

/** PAR-04 RFC 9126 §2.2: the random part of a request_uri, 256 bits. */
export const newPushedRequestHandle = (): string => randomToken(32);

/** SSO-01: the session cookie is a 256-bit secret, stored only under its hash. */
export const newSessionCookieValue = (): string => randomToken(32);

/** IDT-10, FCL §3: the public session id given to clients; never the cookie value. */
export const newSid = (): string => randomToken(32);

/** Grants, interactions and CSRF tokens: 128 bits. */
export const newId = (): string => randomToken(16);
