// AUTHZ-04 RFC 6749 §3.1.2.3, RFC 8252 §7.3: exact string comparison against the registered list.
// The one exception: a native client registered with http://127.0.0.1:0/<path> accepts
// http://127.0.0.1:<any port>/<same path and query>.
import type { RegisteredClient } from '../registry/client-registry.js';
import { anyPortLoopback } from '../registry/redirect-uri-rules.js';

const loopbackWithPort = /^http:\/\/127\.0\.0\.1:([0-9]{1,5})(\/[^#]*)?$/;

export function findRegisteredRedirectUri(client: RegisteredClient, redirectUri: string): string | undefined {
  // RFC 8252 §7.3: port 0 only marks "any port" in the registration; nobody listens there.
  if (anyPortLoopback.test(redirectUri)) return undefined;
  // AUTHZ-04: byte-for-byte; no prefix match, no wildcard, no normalisation.
  if (client.redirect_uris.includes(redirectUri)) return redirectUri;
  if (client.application_type !== 'native') return undefined;
  const match = loopbackWithPort.exec(redirectUri);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535 || match[1]!.startsWith('0')) return undefined;
  const anyPortForm = `http://127.0.0.1:0${match[2] ?? ''}`;
  return client.redirect_uris.includes(anyPortForm) ? redirectUri : undefined;
}

/** CSP source that admits navigation to a redirect URI (docs/traps.md, form-action): its origin, or its scheme. */
export function cspSourceFor(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
