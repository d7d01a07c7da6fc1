// Every key shape the provider writes, in one place. The part in braces is the Redis Cluster
// hash tag: keys that one operation touches together (a record and its use marker, a grant and
// its token index) share it and so share a slot. Ids are random base64url, so tags spread evenly.

export interface KeySpace {
  readonly session: (sessionId: string) => string;
  readonly sessionClients: (sessionId: string) => string;
  readonly interaction: (interactionId: string) => string;
  readonly pushedRequest: (handle: string) => string;
  readonly code: (codeHash: string) => string;
  readonly grant: (grantId: string) => string;
  readonly grantTokens: (grantId: string) => string;
  readonly refreshToken: (tokenHash: string) => string;
  readonly revokedJti: (jti: string) => string;
  readonly assertionJti: (clientId: string, jti: string) => string;
  readonly sharedSigningKey: () => string;
  /** The use marker of `redeem`; same hash tag as the record, so one slot. */
  readonly usedMarker: (recordKey: string) => string;
}

/** Client ids are chosen by people; keep them from breaking the key grammar. */
const safe = (part: string): string => encodeURIComponent(part);

export function keySpace(prefix: string): KeySpace {
  return Object.freeze({
    session: (id: string) => `${prefix}{s:${id}}`,
    sessionClients: (id: string) => `${prefix}{s:${id}}:clients`,
    interaction: (id: string) => `${prefix}{i:${id}}`,
    pushedRequest: (handle: string) => `${prefix}{par:${handle}}`,
    code: (hash: string) => `${prefix}{c:${hash}}`,
    grant: (id: string) => `${prefix}{g:${id}}`,
    grantTokens: (id: string) => `${prefix}{g:${id}}:tokens`,
    refreshToken: (hash: string) => `${prefix}{rt:${hash}}`,
    revokedJti: (jti: string) => `${prefix}{jti:${jti}}:revoked`,
    assertionJti: (clientId: string, jti: string) => `${prefix}{aj:${safe(clientId)}:${safe(jti)}}`,
    sharedSigningKey: () => `${prefix}{keys}:signing`,
    usedMarker: (recordKey: string) => `${recordKey}:used`,
  });
}
