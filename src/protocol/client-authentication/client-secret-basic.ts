// client_secret_basic (TOKEN-04): RFC 6749 §2.3.1 and RFC 7617 §2,
// `Authorization: Basic base64(urlenc(client_id) ":" urlenc(client_secret))`.
import { verifyClientSecret, type RegisteredClient } from '../../registry/client-registry.js';
import { GENERIC_FAILURE, quote, type Fail } from './failure.js';

export interface BasicCredentials {
  clientId: string;
  secret: string;
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 6749 Appendix B: application/x-www-form-urlencoded decoding; undefined on a bad escape. */
function formUrlDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** TOKEN-04 RFC 6749 §2.3.1, RFC 7617 §2. Throws invalid_client for another scheme or a malformed value. */
export function parseBasicAuthorization(header: string, fail: Fail): BasicCredentials {
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  // RFC 7235 §2.1: the scheme name is case-insensitive.
  if (scheme.toLowerCase() !== 'basic') {
    throw fail('Only the Basic authorization scheme is accepted for client authentication', `Authorization scheme ${quote(scheme.slice(0, 20))}`);
  }
  const token = space === -1 ? '' : header.slice(space + 1).trim();
  const malformed = (why: string) => fail('The Basic authorization header is malformed', `Basic credentials: ${why}`);
  if (token === '' || !base64.test(token)) throw malformed('not base64');
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(token, 'base64'));
  } catch {
    throw malformed('not UTF-8');
  }
  // RFC 6749 §2.3.1: the id is url-encoded, so the first colon is the separator; the secret may hold colons.
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformed('no colon');
  const clientId = formUrlDecode(decoded.slice(0, colon));
  const secret = formUrlDecode(decoded.slice(colon + 1));
  if (clientId === undefined || secret === undefined) throw malformed('bad percent-encoding');
  if (clientId === '') throw malformed('empty client_id');
  return { clientId, secret };
}

/**
 * TOKEN-04, TOKEN-05 CLIENT-06: the presented secret, compared in constant time with the stored
 * hash; an expired secret fails. Shared with client_secret_post, which differs only in transport.
 */
export function checkClientSecret(client: RegisteredClient, presented: string, method: string, nowMs: number, fail: Fail): void {
  if (verifyClientSecret(client, presented, nowMs)) return;
  const expired = client.secret?.expiresAt !== undefined && nowMs >= client.secret.expiresAt;
  throw fail(`${GENERIC_FAILURE}: ${expired ? 'the client secret has expired' : 'wrong client secret'}`, `client ${quote(client.client_id)}: ${expired ? 'client secret expired' : 'wrong client secret'} (${method})`);
}
