// UserInfo as a use case (UI-01…04; OIDC Core §5.3, RFC 6750). The JWT access token is verified
// locally; its record (AT-08) says whether it is revoked and carries the locale.
import { OAuthError } from '../errors.js';
import { isUsableRecord } from '../protocol/access-token.js';
import { challenge, verifyAccessToken } from '../protocol/bearer-token.js';
import type { FlowContext, Services } from './services.js';

export interface UserinfoClaims {
  sub: string;
  pid?: string;
  locale: string;
}

/** UI-02, UI-03 for a token already taken from the request (UI-01). */
export async function userinfo(services: Services, flow: FlowContext, token: string): Promise<UserinfoClaims> {
  const { config, clock, signingKeys } = services;
  const realm = config.issuer;
  const claims = verifyAccessToken(token, signingKeys, config.issuer, Math.floor(clock() / 1000), realm);
  flow.noteClient({ client_id: claims.client_id });
  // UI-02, AT-08: a revoked (or never issued) token has no live record.
  const record = await services.accessTokens.find(claims.jti);
  if (!isUsableRecord(record, claims.client_id)) {
    throw new OAuthError('invalid_token', 'The access token is invalid or has expired', {
      detail: record?.revoked ? 'revoked' : 'no record',
      wwwAuthenticate: challenge(realm, { error: 'invalid_token', description: 'The access token is invalid or has expired' }),
    });
  }
  // UI-02 Core §5.3: userinfo needs the profile scope; else 403 insufficient_scope (UI-04).
  if (!claims.scope.split(' ').includes('profile')) {
    const description = 'The access token lacks the profile scope';
    throw new OAuthError('insufficient_scope', description, { wwwAuthenticate: challenge(realm, { error: 'insufficient_scope', description, scope: 'profile' }) });
  }
  // UI-03: sub (as in the id_token), pid, locale.
  return { sub: claims.sub, ...(claims.pid !== undefined ? { pid: claims.pid } : {}), locale: record!.locale };
}
