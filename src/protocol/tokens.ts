// Claims of the tokens we issue: the id_token (IDT-01…10, OIDC Core §2) and the JWT access token
// (AT-02…07). Pure: the grant's facts in, a claim set out; signing is jws.ts.
import { createHmac } from 'node:crypto';
import type { RegisteredClient } from '../registry/client-registry.js';
import type { Acr } from './acr.js';
import { newJti } from './identifiers.js';
import type { ClientAmr } from './client-authentication/index.js';

/** IDT-07: id_tokens live 120 s (exp = iat + 120). */
// IDT-12: fixed, whatever the SSO session has left.
export const idTokenLifetimeSeconds = 120;

/** IDT-11: the attributes of a foreign (eIDAS) identity, under their claim names. */
export interface EidasAttributes {
  /** `CC/NO/<identifier>`: the citizen's country, Norway, the identifier at home. */
  eidas_identifier: string;
  eidas_firstname: string;
  eidas_lastname: string;
  /** YYYY-MM-DD. */
  eidas_date_of_birth: string;
}

/** Who a login is about: a Norwegian number, a foreign identity, or both (a matched eIDAS identity). */
export interface Person {
  /** IDT-05: the Norwegian number; absent for an eIDAS identity without a match. */
  pid?: string;
  /** IDT-11: the foreign identity of an eIDAS login. */
  eidas?: EidasAttributes;
}

/**
 * The key that tells people apart (sub, consent, SSO-07): the Norwegian number when there is one,
 * else the eIDAS identifier, prefixed so that it can never equal a number.
 */
export function personKey(person: Person): string {
  if (person.pid !== undefined) return person.pid;
  if (person.eidas) return `eidas:${person.eidas.eidas_identifier}`;
  throw new Error('a login without pid or eIDAS identity');
}

/** The person fields of a record, copied without undefined members. */
export const personOf = (person: Person): Person => ({
  ...(person.pid !== undefined ? { pid: person.pid } : {}),
  ...(person.eidas !== undefined ? { eidas: person.eidas } : {}),
});

/** AUTHN-01: what an authenticator establishes about the person. */
export interface AuthenticationResult extends Person {
  acr: Acr;
  amr: string[];
}

/** What a login established, as the code and the grant carry it (AUTHZ-19). */
export interface AuthenticatedSubject extends Person {
  acr: Acr;
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

/**
 * Core §8 subject_type public, for a client registered with it: the same sub at every client,
 * still not derivable to the pid. Client ids are VSCHAR, so the NUL-framed input cannot equal any
 * pairwise input.
 */
export function publicSubject(pairwiseSecret: string, pid: string): string {
  return createHmac('sha256', pairwiseSecret).update(`\u0000public\u0000${pid}`, 'utf8').digest('base64url');
}

/** IDT-04: the sub of a person at a client, by the client's registered subject_type (pairwise by default). */
export function subjectFor(pairwiseSecret: string, client: Pick<RegisteredClient, 'client_id' | 'subject_type'>, pid: string): string {
  return client.subject_type === 'public' ? publicSubject(pairwiseSecret, pid) : pairwiseSubject(pairwiseSecret, client.client_id, pid);
}

export interface IdTokenInput {
  issuer: string;
  client: RegisteredClient;
  subject: AuthenticatedSubject;
  sub: string;
  nonce?: string;
  /** AUTHZ-24: the client's sub-identity the login was for. */
  onbehalfof?: string;
  nowSeconds: number;
  /** IDT-05: a granted scope requires pseudonymous tokens: no pid. */
  pseudonymous?: boolean;
}

/** IDT-02…10, in the claim order of ID-porten's example token. */
export function buildIdTokenClaims(input: IdTokenInput): Record<string, unknown> {
  const { subject, client } = input;
  return {
    sub: input.sub, // IDT-04
    amr: subject.amr, // IDT-06: always an array
    iss: input.issuer, // IDT-03
    // IDT-05: omitted for pseudonymous scopes, and for an eIDAS identity without a Norwegian number.
    ...(input.pseudonymous || subject.pid === undefined ? {} : { pid: subject.pid }),
    // IDT-11: the foreign identity of an eIDAS login.
    ...(subject.eidas ?? {}),
    locale: subject.locale, // IDT-09
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}), // IDT-08: only when sent; no at_hash
    // IDT-10 FCL §3: sid only for clients that asked for session-aware front-channel logout.
    ...(client.frontchannel_logout_session_required ? { sid: subject.sid } : {}),
    aud: client.client_id, // IDT-03: a single string
    // AUTHZ-24: the sub-identity selected with onbehalfof.
    ...(input.onbehalfof !== undefined ? { client_onbehalfof: input.onbehalfof } : {}),
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
  /** Seconds; AT-07 client access_token_lifetime, already capped by the grant and TOKEN-20. */
  lifetime: number;
  /** AT-05: a scope requires pseudonymous tokens: no pid. */
  pseudonymous?: boolean;
}

/** AT-03: ISO 6523 identifier of a Norwegian organisation number. */
export const organisation = (orgno: string) => ({ authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` });

/** AT-06 RFC 8707 §2: aud only when resource was requested; a string for one value. */
const audienceOf = (resource: readonly string[]): { aud?: string | string[] } =>
  resource.length === 1 ? { aud: resource[0]! } : resource.length > 1 ? { aud: [...resource] } : {};

/** AT-02…06, in the claim order of ID-porten's example token. */
export function buildAccessTokenClaims(input: AccessTokenInput): Record<string, unknown> {
  const { client } = input;
  return {
    sub: input.sub, // AT-05: the id_token's sub
    acr: input.subject.acr,
    scope: input.scope.join(' '),
    iss: input.issuer,
    client_amr: input.clientAmr, // AT-04
    // AT-05: omitted for pseudonymous scopes (and IDT-05: for an eIDAS identity without a number).
    ...(input.pseudonymous || input.subject.pid === undefined ? {} : { pid: input.subject.pid }),
    // AT-06 RFC 8707 §2: aud only when resource was requested; a string for one value.
    ...audienceOf(input.resource),
    exp: input.nowSeconds + input.lifetime,
    iat: input.nowSeconds,
    jti: input.jti,
    client_id: client.client_id,
    consumer: organisation(client.client_orgno), // AT-03: always
    ...(client.supplier_orgno ? { supplier: organisation(client.supplier_orgno) } : {}), // AT-03: when applicable
  };
}

export interface MachineAccessTokenInput {
  issuer: string;
  client: RegisteredClient;
  clientAmr: ClientAmr;
  scope: readonly string[];
  resource: readonly string[];
  jti: string;
  nowSeconds: number;
  /** Seconds; AT-07 capped by TOKEN-20. */
  lifetime: number;
}

/**
 * TOKEN-21, AT-02…06: the access token of the JWT-bearer grant, in the claim order of
 * Maskinporten's tokens: no person, so no sub and no pid (AT-05); aud only for a resource.
 */
export function buildMachineAccessTokenClaims(input: MachineAccessTokenInput): Record<string, unknown> {
  const { client } = input;
  return {
    ...audienceOf(input.resource), // AT-06
    scope: input.scope.join(' '),
    iss: input.issuer,
    client_amr: input.clientAmr, // AT-04: private_key_jwt or virksomhetssertifikat
    exp: input.nowSeconds + input.lifetime,
    iat: input.nowSeconds,
    client_id: client.client_id,
    jti: input.jti,
    consumer: organisation(client.client_orgno), // AT-03
    ...(client.supplier_orgno ? { supplier: organisation(client.supplier_orgno) } : {}),
  };
}
