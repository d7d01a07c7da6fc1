// UserInfo as a use case (UI-01…04; OIDC Core §5.3, RFC 6750). A JWT access token is verified
// locally and its record (AT-08) says whether it is revoked and carries the locale; an opaque
// access token (AT-01) is its record.
import { OAuthError } from '../errors.js';
import { challenge } from '../protocol/bearer-token.js';
import type { EidasAttributes } from '../protocol/tokens.js';
import { liveAccessToken } from './live-access-token.js';
import type { FlowContext, Services } from './services.js';

export interface UserinfoClaims extends Partial<EidasAttributes> {
  sub: string;
  pid?: string;
  locale: string;
}

/** UI-02, UI-03 for a token already taken from the request (UI-01). */
export async function userinfo(services: Services, flow: FlowContext, token: string): Promise<UserinfoClaims> {
  const realm = services.config.issuer;
  // UI-02, AT-08, CLIENT-17: a live access token of ours (flows/live-access-token.ts).
  const { own, record } = await liveAccessToken(services, token);
  const claims = own.claims;
  flow.noteClient({ client_id: claims.client_id });
  // UI-02 Core §5.3: userinfo needs the profile scope; else 403 insufficient_scope (UI-04). A
  // machine token (TOKEN-21) never has it.
  if (!claims.scope.split(' ').includes('profile') || claims.sub === undefined) {
    const description = 'The access token lacks the profile scope';
    throw new OAuthError('insufficient_scope', description, { wwwAuthenticate: challenge(realm, { error: 'insufficient_scope', description, scope: 'profile' }) });
  }
  // UI-03: sub (as in the id_token), pid (absent for pseudonymous scopes, AT-05, and for an eIDAS
  // identity without a Norwegian number, IDT-05), locale; IDT-11: an eIDAS login's attributes.
  return { sub: claims.sub, ...(claims.pid !== undefined ? { pid: claims.pid } : {}), locale: record.locale, ...(record.eidas ?? {}) };
}
