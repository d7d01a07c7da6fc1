// Claims of the tokens we issue: the id_token (IDT-01…10, OIDC Core §2) and the JWT access token
// (AT-02…07). Pure: the grant's facts in, a claim set out; signing is jws.ts.
import { createHmac } from 'node:crypto';
import type { RegisteredClient } from '../registry/client-registry.js';
import type { AcrLevel } from './acr.js';
import { newJti } from './identifiers.js';
import type { ClientAmr } from './client-authentication/index.js';

/** IDT-07: id_tokens live 120 s (exp = iat + 120). */
// IDT-12: fixed, whatever the SSO session has left.
export const idTokenLifetimeSeconds = 120;

/** AUTHN-01: what an authenticator establishes about the person. */
export interface AuthenticationResult {
  pid: string;
  acr: AcrLevel;
  amr: string[];
}

/** What a login established, as the code and the grant carry it (AUTHZ-19). */
export interface AuthenticatedSubject {
  pid: string;
  acr: AcrLevel;
  amr: string[];
  /** Seconds since the epoch of the last active authentication (IDT-07). */
  auth_time: number;
  locale: string;
  /** The public SSO session id (IDT-10, FCL §3); never the session cookie. */
  sid: string;
}

/**
 * IDT-04 Core §8.1: pairwise sub = base64url(HMAC-SHA256(secret, client_id | pid)): stable per
 * person and client, different between clients, not derivable to the pid without the secret.
 */
export function pairwiseSubject(pairwiseSecret: string, clientId: string, pid: string): string {
  return createHmac('sha256', pairwiseSecret).update(`${clientId}|${pid}`, 'utf8').digest('base64url');
}

export interface IdTokenInput {
  issuer: string;
  client: RegisteredClient;
  subject: AuthenticatedSubject;
  sub: string;
  nonce?: string;
  nowSeconds: number;
}

/** IDT-02…10, in the claim order of ID-porten's example token. */
export function buildIdTokenClaims(input: IdTokenInput): Record<string, unknown> {
  const { subject, client } = input;
  return {
    sub: input.sub, // IDT-04
    amr: subject.amr, // IDT-06: always an array
    iss: input.issuer, // IDT-03
    pid: subject.pid, // IDT-05
    locale: subject.locale, // IDT-09
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}), // IDT-08: only when sent; no at_hash
    // IDT-10 FCL §3: sid only for clients that asked for session-aware front-channel logout.
    ...(client.frontchannel_logout_session_required ? { sid: subject.sid } : {}),
    aud: client.client_id, // IDT-03: a single string
    acr: subject.acr, // IDT-06, AUTHZ-12: the level achieved
    auth_time: subject.auth_time, // IDT-07
    exp: input.nowSeconds + idTokenLifetimeSeconds,
    iat: input.nowSeconds,
    jti: newJti(),
  };
}

export interface AccessTokenInput {
  issuer: string;
  client: RegisteredClient;
  /** AT-04: none, a secret method, private_key_jwt or virksomhetssertifikat. */
  clientAmr: ClientAmr;
  subject: Pick<AuthenticatedSubject, 'pid' | 'acr'>;
  sub: string;
  scope: readonly string[];
  resource: readonly string[];
  jti: string;
  nowSeconds: number;
  /** Seconds; AT-07 client access_token_lifetime, already capped by the grant. */
  lifetime: number;
}

/** AT-03: ISO 6523 identifier of a Norwegian organisation number. */
export const organisation = (orgno: string) => ({ authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` });

/** AT-02…06, in the claim order of ID-porten's example token. */
export function buildAccessTokenClaims(input: AccessTokenInput): Record<string, unknown> {
  const { client } = input;
  return {
    sub: input.sub, // AT-05: the id_token's sub
    acr: input.subject.acr,
    scope: input.scope.join(' '),
    iss: input.issuer,
    client_amr: input.clientAmr, // AT-04
    pid: input.subject.pid, // AT-05
    // AT-06 RFC 8707 §2: aud only when resource was requested; a string for one value.
    ...(input.resource.length === 1 ? { aud: input.resource[0] } : input.resource.length > 1 ? { aud: [...input.resource] } : {}),
    exp: input.nowSeconds + input.lifetime,
    iat: input.nowSeconds,
    jti: input.jti,
    client_id: client.client_id,
    consumer: organisation(client.client_orgno), // AT-03: always
    ...(client.supplier_orgno ? { supplier: organisation(client.supplier_orgno) } : {}), // AT-03: when applicable
  };
}
