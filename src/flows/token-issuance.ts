// Minting what the token endpoint returns: access tokens (AT-02…08), id_tokens (IDT-01…10) and
// refresh tokens (TOKEN-13…15), with the writes that track each token under its grant.
import type { ClientAuthMethod } from '../protocol/client-authentication/index.js';
import { newJti, newRefreshToken } from '../protocol/identifiers.js';
import { signJwt } from '../protocol/jws.js';
import { buildRefreshTokenRecord, type RefreshTokenRecord } from '../protocol/token/refresh-token-grant.js';
import { buildAccessTokenClaims, buildIdTokenClaims, pairwiseSubject, type AuthenticatedSubject } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { accessTokenMember, type GrantLifetimes } from '../store/grants.js';
import type { WriteOp } from '../store/store.js';
import type { Services } from './services.js';

/** The JSON body of a successful token response (TOKEN-12, TOKEN-16). */
export type TokenResponse = Record<string, string | number>;

export interface GrantFacts {
  client: RegisteredClient;
  method: ClientAuthMethod;
  subject: AuthenticatedSubject;
  grantId: string;
  /** The grant's full scope and the (possibly narrower) scope of this access token. */
  grantScope: readonly string[];
  scope: readonly string[];
  resource: readonly string[];
  /** ms: TOKEN-15, nothing outlives the grant. */
  grantExpiresAt: number;
}

/** What a code or refresh-token record holds about its grant. */
export interface GrantRecord {
  subject: AuthenticatedSubject;
  grant_id: string;
  scope: string[];
  resource: string[];
}

/** The facts of a grant, from its record; `scope` defaults to the grant's own (TOKEN-16). */
export function grantFacts(caller: { client: RegisteredClient; method: ClientAuthMethod }, record: GrantRecord, grantExpiresAt: number, scope: readonly string[] = record.scope): GrantFacts {
  return { ...caller, subject: record.subject, grantId: record.grant_id, grantScope: record.scope, scope, resource: record.resource, grantExpiresAt };
}

/** AT-07, TOKEN-15: the client's lifetime, cut short where the grant ends; SSO-11: never by the session. */
export function accessTokenLifetime(client: RegisteredClient, grantExpiresAt: number, nowMs: number): number {
  return Math.max(0, Math.min(client.access_token_lifetime, Math.floor((grantExpiresAt - nowMs) / 1000)));
}

/** How long revocation must keep a grant's markers: its own life and its access tokens' (REVOKE-03, AT-08). */
export const grantLifetimes = (client: RegisteredClient): GrantLifetimes => ({
  grantTtlMs: client.authorization_lifetime * 1000,
  accessTokenTtlMs: client.access_token_lifetime * 1000 + 60_000,
});

/** Revoke a grant and every token in it (REVOKE-03, TOKEN-11, TOKEN-14, TOKEN-19). */
export function revokeGrant(services: Services, grantId: string, client: RegisteredClient, reason: string): Promise<void> {
  return services.grants.revoke(grantId, client.client_id, reason, services.clock(), grantLifetimes(client));
}

export interface MintedAccessToken {
  token: string;
  lifetime: number;
  /** Writes that register a fresh jti (empty when the jti was registered before, with the code). */
  ops: WriteOp[];
}

/** AT-02…07. `jti` given: registered earlier (code flow); absent: a new one registered now. */
export function mintAccessToken(services: Services, facts: GrantFacts, nowMs: number, jti?: string): MintedAccessToken {
  const { client } = facts;
  const lifetime = accessTokenLifetime(client, facts.grantExpiresAt, nowMs);
  const tokenId = jti ?? newJti();
  const ops: WriteOp[] =
    jti === undefined
      ? [
          ...services.accessTokens.registerOps(tokenId, { grant_id: facts.grantId, client_id: client.client_id, locale: facts.subject.locale }, lifetime * 1000 + 60_000),
          ...services.grants.trackOps(facts.grantId, accessTokenMember(tokenId), Math.max(1, facts.grantExpiresAt - nowMs)),
        ]
      : [];
  const token = signJwt(
    buildAccessTokenClaims({
      issuer: services.config.issuer,
      client,
      clientAuthMethod: facts.method,
      subject: facts.subject,
      sub: pairwiseSubject(services.config.pairwiseSecret, client.client_id, facts.subject.pid),
      scope: facts.scope,
      resource: facts.resource,
      jti: tokenId,
      nowSeconds: Math.floor(nowMs / 1000),
      lifetime,
    }),
    // JWKS-03: the key that signs now by the injected clock (staged keys wait for their moment).
    services.signingKeys.signingKey(nowMs),
  );
  return { token, lifetime, ops };
}

/** IDT-01…10: only for the authorization_code grant with openid (TOKEN-12, TOKEN-16). */
export function mintIdToken(services: Services, facts: GrantFacts, nonce: string | undefined, nowMs: number): string {
  return signJwt(
    buildIdTokenClaims({
      issuer: services.config.issuer,
      client: facts.client,
      subject: facts.subject,
      sub: pairwiseSubject(services.config.pairwiseSecret, facts.client.client_id, facts.subject.pid),
      nowSeconds: Math.floor(nowMs / 1000),
      ...(nonce !== undefined ? { nonce } : {}),
    }),
    services.signingKeys.signingKey(nowMs),
  );
}

/** TOKEN-13…15: a new refresh token for the grant, idle window from now, capped by the grant. */
export function mintRefreshToken(services: Services, facts: GrantFacts, nowMs: number): { token: string; record: RefreshTokenRecord; ops: WriteOp[] } {
  const token = newRefreshToken();
  const record = buildRefreshTokenRecord(facts.client, { grantId: facts.grantId, scope: facts.grantScope, resource: facts.resource, subject: facts.subject, grantExpiresAt: facts.grantExpiresAt }, nowMs);
  return { token, record, ops: services.refreshTokens.issueOps(token, record, nowMs) };
}
