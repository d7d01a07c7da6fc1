// Minting what the token endpoint returns: access tokens (AT-02…08), id_tokens (IDT-01…10) and
// refresh tokens (TOKEN-13…15), with the writes that track each token under its grant.
import type { AccessTokenRecord } from '../protocol/access-token.js';
import type { ClientAmr } from '../protocol/client-authentication/index.js';
import { newAccessTokenHandle, newJti, newRefreshToken } from '../protocol/identifiers.js';
import { signJwt } from '../protocol/jws.js';
import { cappedAccessTokenLifetime, scopePolicy, type ScopePolicy } from '../protocol/scope-policy.js';
import { buildRefreshTokenRecord, type RefreshTokenRecord } from '../protocol/token/refresh-token-grant.js';
import { buildAccessTokenClaims, buildIdTokenClaims, personKey, subjectFor, type AuthenticatedSubject } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { accessTokenMember, type GrantLifetimes } from '../store/grants.js';
import type { WriteOp } from '../store/store.js';
import type { Services } from './services.js';

/** The JSON body of a successful token response (TOKEN-12, TOKEN-16). */
export type TokenResponse = Record<string, string | number>;

export interface GrantFacts {
  client: RegisteredClient;
  /** AT-04: how the client authenticated, for client_amr. */
  clientAmr: ClientAmr;
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
export function grantFacts(caller: { client: RegisteredClient; clientAmr: ClientAmr }, record: GrantRecord, grantExpiresAt: number, scope: readonly string[] = record.scope): GrantFacts {
  return { client: caller.client, clientAmr: caller.clientAmr, subject: record.subject, grantId: record.grant_id, grantScope: record.scope, scope, resource: record.resource, grantExpiresAt };
}

/**
 * AT-07, TOKEN-15, TOKEN-20: the client's lifetime, capped by the scopes' at_max_age and cut
 * short where the grant ends; SSO-11: never by the session.
 */
export function accessTokenLifetime(client: RegisteredClient, policy: ScopePolicy, grantExpiresAt: number, nowMs: number): number {
  return Math.max(0, Math.min(cappedAccessTokenLifetime(client.access_token_lifetime, policy), Math.floor((grantExpiresAt - nowMs) / 1000)));
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
  /** Writes that register the token (empty when its jti was registered before, with the code). */
  ops: WriteOp[];
}

/** An access token's record and its place in its grant (AT-08, REVOKE-03). */
export function accessTokenOps(services: Services, id: string, record: AccessTokenRecord, lifetimeSeconds: number, grantTtlMs: number): WriteOp[] {
  return [...services.accessTokens.registerOps(id, record, lifetimeSeconds * 1000 + 60_000), ...services.grants.trackOps(record.grant_id, accessTokenMember(id), Math.max(1, grantTtlMs))];
}

/**
 * AT-01…07. A JWT, or an opaque handle whose record holds the claims when a scope asks for it
 * (AT-01). `jti` given: a JWT record registered earlier (code flow); otherwise the token is
 * registered by the returned writes.
 */
export function mintAccessToken(services: Services, facts: GrantFacts, nowMs: number, jti?: string): MintedAccessToken {
  const { client } = facts;
  const policy = scopePolicy(facts.scope, services.scopes);
  const lifetime = accessTokenLifetime(client, policy, facts.grantExpiresAt, nowMs);
  const opaque = policy.opaque;
  const tokenId = jti !== undefined && !opaque ? jti : newJti();
  const claims = buildAccessTokenClaims({
    issuer: services.config.issuer,
    client,
    clientAmr: facts.clientAmr,
    subject: facts.subject,
    sub: subjectFor(services.config.pairwiseSecret, client, personKey(facts.subject)),
    scope: facts.scope,
    resource: facts.resource,
    jti: tokenId,
    nowSeconds: Math.floor(nowMs / 1000),
    lifetime,
    pseudonymous: policy.pseudonymous, // AT-05
  });
  const record: AccessTokenRecord = { grant_id: facts.grantId, client_id: client.client_id, locale: facts.subject.locale, ...(facts.subject.eidas ? { eidas: facts.subject.eidas } : {}) };
  const grantTtlMs = facts.grantExpiresAt - nowMs;
  if (opaque) {
    // AT-01 RFC 7662: a random handle; its claims live only in its record.
    const handle = newAccessTokenHandle();
    return { token: handle, lifetime, ops: accessTokenOps(services, services.accessTokens.opaqueId(handle), { ...record, claims }, lifetime, grantTtlMs) };
  }
  const ops = tokenId === jti ? [] : accessTokenOps(services, tokenId, record, lifetime, grantTtlMs);
  return { token: signJwt(claims, services.signingKeys.signingKey(nowMs)), lifetime, ops };
}

/** IDT-01…10: only for the authorization_code grant with openid (TOKEN-12, TOKEN-16). */
export function mintIdToken(services: Services, facts: GrantFacts, bound: { nonce?: string | undefined; onbehalfof?: string | undefined }, nowMs: number): string {
  const { nonce, onbehalfof } = bound;
  return signJwt(
    buildIdTokenClaims({
      issuer: services.config.issuer,
      client: facts.client,
      subject: facts.subject,
      sub: subjectFor(services.config.pairwiseSecret, facts.client, personKey(facts.subject)),
      nowSeconds: Math.floor(nowMs / 1000),
      ...(nonce !== undefined ? { nonce } : {}),
      ...(onbehalfof !== undefined ? { onbehalfof } : {}),
      // IDT-05: the granted scope decides.
      pseudonymous: scopePolicy(facts.grantScope, services.scopes).pseudonymous,
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
