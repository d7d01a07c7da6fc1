// Registration-time rules for redirect and logout URIs (CLIENT-08, CLIENT-09, CLIENT-10, CLIENT-11).
// Pure: a URI and the context in, a list of broken rules out.
import type { Mode } from '../config.js';

export type ApplicationType = 'web' | 'browser' | 'native';

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** RFC 8252 §7.1: a private-use scheme in reverse-domain form, e.g. `no.example.app`. */
const reverseDomainScheme = /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/;

/** RFC 8252 §7.3 as profiled by AUTHZ-04: port 0 registers "any port" on the IPv4 loopback. */
export const anyPortLoopback = /^http:\/\/127\.0\.0\.1:0(\/[^?#]*)?(\?[^#]*)?$/;

/**
 * CLIENT-08 RFC 6749 §3.1.2: absolute, no fragment; https in prod; http allowed in test, and
 * localhost only over http; loopback in prod only for native clients.
 * CLIENT-09 RFC 8252 §7: native clients may also use private-use schemes (reverse-domain form)
 * and `http://127.0.0.1:0/<path>`.
 */
export function checkRedirectUri(uri: string, applicationType: ApplicationType, mode: Mode): string[] {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return ['must be an absolute URI (CLIENT-08)'];
  }
  const problems: string[] = [];
  if (uri.includes('#')) problems.push('must not contain a fragment (CLIENT-08, RFC 6749 §3.1.2)');
  // RFC 3986 §2: no spaces or control characters (URL parsing would silently trim or encode them,
  // and AUTHZ-04 compares the registered string exactly).
  if (/[\s\x00-\x1f\x7f]/.test(uri)) problems.push('must not contain spaces or control characters (CLIENT-08, RFC 3986 §2)');
  if (url.username || url.password) problems.push('must not contain credentials');
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') {
    if (!url.hostname) problems.push('must name a host');
    if (isLoopbackHost(url.hostname)) problems.push('must use http:// for localhost (CLIENT-08)');
    return problems;
  }
  if (scheme === 'http') {
    if (anyPortLoopback.test(uri) && applicationType !== 'native') {
      problems.push('http://127.0.0.1:0 (any port) is only for native clients (CLIENT-09)');
    }
    if (mode === 'prod' && !(applicationType === 'native' && isLoopbackHost(url.hostname))) {
      problems.push('must be https in prod mode; http is allowed only for a native client on loopback (CLIENT-08)');
    }
    return problems;
  }
  if (applicationType === 'native' && reverseDomainScheme.test(scheme)) return problems;
  if (applicationType === 'native') {
    problems.push('must be https, loopback http, or a private-use scheme in reverse-domain form such as no.example.app:/cb (CLIENT-09)');
  } else {
    problems.push('must be an https URI (or http in test mode) (CLIENT-08)');
  }
  return problems;
}

/**
 * CLIENT-11 FCL §2: an absolute http(s) URI without fragment, https in prod, whose scheme, host
 * and port are those of one of the client's redirect URIs ("the domain and port ... MUST be the
 * same as that of a registered Redirection URI value", FCL §2).
 */
export function checkFrontchannelLogoutUri(uri: string, redirectUris: readonly string[], mode: Mode): string[] {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return ['must be an absolute URI (CLIENT-11)'];
  }
  const problems: string[] = [];
  if (uri.includes('#')) problems.push('must not contain a fragment (FCL §2)');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('must be an http(s) URI (FCL §2)');
  if (url.protocol === 'http:' && mode === 'prod') problems.push('must be https in prod mode (CLIENT-11)');
  const origins = new Set(
    redirectUris.flatMap((r) => {
      try {
        return [new URL(r).origin];
      } catch {
        return [];
      }
    }),
  );
  if (!origins.has(url.origin)) problems.push("must have the same scheme, host and port as one of the client's redirect_uris (CLIENT-11, FCL §2)");
  return problems;
}
