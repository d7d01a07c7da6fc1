// Issuing an authorization code for an authenticated subject (AUTHZ-18, AUTHZ-19, SSO-10, AT-08),
// shared by the SSO answer (authorize.ts) and the login (login.ts): the writes that create the
// code, register its access token's jti, start the grant's token list and record the client as
// a participant of the browser session. The caller sends them with its other writes.
import { newCode, newId, newJti } from '../protocol/identifiers.js';
import type { AuthorizationRequest } from '../protocol/authorize/request.js';
import { scopePolicy } from '../protocol/scope-policy.js';
import { isLoginOnlyScope, participantListTtlMs, type SessionRecord } from '../protocol/session.js';
import { grantExpiresAt } from '../protocol/token/authorization-code-grant.js';
import type { AuthenticatedSubject } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { accessTokenMember } from '../store/grants.js';
import type { WriteOp } from '../store/store.js';
import type { Services } from './services.js';

export function issueCodeOps(
  services: Services,
  client: RegisteredClient,
  request: AuthorizationRequest,
  subject: AuthenticatedSubject,
  session: Pick<SessionRecord, 'created_at'> | undefined,
  nowMs: number,
): { code: string; grantId: string; ops: WriteOp[] } {
  const code = newCode();
  // TOKEN-11: the code's lifetime (OP_CODE_LIFETIME, 60 s by default, at most 600 s).
  const codeLifetimeMs = services.config.codeLifetime * 1000;
  const grantId = newId();
  const accessTokenJti = newJti();
  const ops: WriteOp[] = [
    ...services.codes.issueOps(
      code,
      {
        client_id: client.client_id,
        redirect_uri: request.redirect_uri,
        scope: request.scope,
        resource: request.resource,
        subject,
        grant_id: grantId,
        access_token_jti: accessTokenJti,
        expires_at: nowMs + codeLifetimeMs,
        ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
        ...(request.code_challenge !== undefined ? { code_challenge: request.code_challenge } : {}),
        ...(request.onbehalfof !== undefined ? { onbehalfof: request.onbehalfof } : {}),
      },
      codeLifetimeMs,
    ),
    // The token is minted at /token; its record exists from now on so minting costs no write.
    ...services.accessTokens.registerOps(
      accessTokenJti,
      { grant_id: grantId, client_id: client.client_id, locale: subject.locale, ...(subject.eidas ? { eidas: subject.eidas } : {}) },
      codeLifetimeMs + client.access_token_lifetime * 1000 + 60_000,
    ),
    // REVOKE-03, TOKEN-11: the grant knows its first access token from the start; the list lives
    // as long as the grant can (TOKEN-15).
    ...services.grants.trackOps(grantId, accessTokenMember(accessTokenJti), Math.max(1, grantExpiresAt(subject, client, scopePolicy(request.scope, services.scopes)) - nowMs)),
    // SSO-10, TOKEN-19: the session remembers the client, its grant, whether it took part through
    // an isolated login (SSO-08), and whether the grant is for login only (every scope openid or
    // profile), which single logout ends (LOGOUT-10).
    ...(session
      ? services.sessions.participantOps(
          { client_id: client.client_id, grant_id: grantId, login_only: isLoginOnlyScope(request.scope), isolated: client.sso_disabled, sid: subject.sid },
          participantListTtlMs(session, nowMs),
        )
      : []),
  ];
  return { code, grantId, ops };
}
