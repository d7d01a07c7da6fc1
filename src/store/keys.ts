// Every key shape the provider writes, in one place. The part in braces is the Redis Cluster
// hash tag: keys that one operation touches together (a record and its use marker, a grant and
// its token index) share it and so share a slot. Ids are random base64url, so tags spread evenly.
import type { ClientRegistryKeys } from './store.js';

export interface KeySpace {
  readonly session: (sessionId: string) => string;
  /** SSO-10: the clients a session served, keyed by the public sid so a new cookie keeps them. */
  readonly sessionParticipants: (sid: string) => string;
  /** The single-use marker of an interaction (the interaction itself travels sealed in a cookie). */
  readonly interactionUsed: (interactionId: string) => string;
  /** The authorization request of an interaction too large to travel in its cookie. */
  readonly interactionRequest: (interactionId: string) => string;
  readonly pushedRequest: (handle: string) => string;
  readonly code: (codeHash: string) => string;
  readonly grant: (grantId: string) => string;
  readonly grantTokens: (grantId: string) => string;
  /** AT-08: one record per access token (by jti, or by the hash of an opaque handle): what /userinfo needs, and its revocation. */
  readonly accessToken: (id: string) => string;
  readonly refreshToken: (tokenHash: string) => string;
  readonly assertionJti: (clientId: string, jti: string) => string;
  /** AUTHZ-27: a remembered consent, by the hash of person, client and scope set. */
  readonly consent: (consentId: string) => string;
  readonly sharedSigningKey: () => string;
  readonly sharedSecret: (name: string) => string;
  /** Rejected identity numbers of one interaction (the login attempt limit). */
  readonly interactionRejections: (interactionId: string) => string;
  /** A rate-limit counter: one per limit, subject (an address, a client_id) and fixed window. */
  readonly rateLimit: (limit: string, subject: string, window: number) => string;
  /** ADMIN-01, CLIENT-17: the live client registry (one hash tag: its script touches all three). */
  readonly clientRegistry: ClientRegistryKeys;
  /** The use marker of `redeem`; same hash tag as the record, so one slot. */
  readonly usedMarker: (recordKey: string) => string;
}

/** Client ids are chosen by people; keep them from breaking the key grammar. */
const safe = (part: string): string => encodeURIComponent(part);

export function keySpace(prefix: string): KeySpace {
  return Object.freeze({
    session: (id: string) => `${prefix}{s:${id}}`,
    sessionParticipants: (sid: string) => `${prefix}{sid:${sid}}:participants`,
    interactionUsed: (id: string) => `${prefix}{i:${id}}:used`,
    interactionRequest: (id: string) => `${prefix}{i:${id}}:request`,
    interactionRejections: (id: string) => `${prefix}{i:${id}}:rejections`,
    rateLimit: (limit: string, subject: string, window: number) => `${prefix}{rl:${safe(limit)}:${safe(subject)}}:${window}`,
    pushedRequest: (handle: string) => `${prefix}{par:${handle}}`,
    code: (hash: string) => `${prefix}{c:${hash}}`,
    grant: (id: string) => `${prefix}{g:${id}}`,
    grantTokens: (id: string) => `${prefix}{g:${id}}:tokens`,
    refreshToken: (hash: string) => `${prefix}{rt:${hash}}`,
    accessToken: (id: string) => `${prefix}{at:${id}}`,
    assertionJti: (clientId: string, jti: string) => `${prefix}{aj:${safe(clientId)}:${safe(jti)}}`,
    consent: (id: string) => `${prefix}{cs:${id}}`,
    sharedSigningKey: () => `${prefix}{keys}:signing`,
    sharedSecret: (name: string) => `${prefix}{keys}:secret:${safe(name)}`,
    clientRegistry: Object.freeze({ records: `${prefix}{clients}:records`, scopes: `${prefix}{clients}:scopes`, kids: `${prefix}{clients}:kids`, version: `${prefix}{clients}:version` }),
    usedMarker: (recordKey: string) => `${recordKey}:used`,
  });
}
