// RFC 9126 §4 (PAR-07…09, AUTHZ-02 step 1): an authorization request that refers to a pushed
// request carries only client_id and request_uri; everything else on the URL is ignored.
import { OAuthError } from '../../errors.js';
import type { ClientRegistry, RegisteredClient } from '../../registry/client-registry.js';
import { checkClient } from './checks.js';
import { single, type RawParameters } from './parameters.js';
import type { AuthorizationRequest } from './request.js';

/** PAR-04: our request_uri values (DISC-05: these work although request_uri_parameter_supported is false). */
export const pushedRequestUriPrefix = 'urn:idporten:';

/** PAR-04…08: the validated request, kept under the random part of its request_uri until first use or expiry. */
export interface PushedRequestRecord {
  [key: string]: unknown;
  client_id: string;
  request: AuthorizationRequest;
  /** ms, on the injected clock. */
  expires_at: number;
}

const handlePattern = /^[A-Za-z0-9_-]{43}$/;

export interface PushedRequestReference {
  client: RegisteredClient;
  handle: string;
}

/** Whether the request refers to a pushed request of ours (step 1 of AUTHZ-02). */
export function refersToPushedRequest(raw: RawParameters): boolean {
  const value = raw.request_uri;
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.some((v) => v.startsWith(pushedRequestUriPrefix));
}

const unusable = (detail: string) =>
  new OAuthError('invalid_request_uri', 'The request_uri is unknown, expired, already used or belongs to another client', { mayRedirect: false, detail });

/** PAR-07: client_id and request_uri, both required and single; a malformed handle is unusable. */
export function parsePushedRequestReference(raw: RawParameters, registry: ClientRegistry): PushedRequestReference {
  const client = checkClient(raw, registry);
  const requestUri = single(raw, 'request_uri');
  if (requestUri.kind !== 'value') throw new OAuthError('invalid_request', 'request_uri is repeated', { mayRedirect: false });
  const handle = requestUri.value.slice(pushedRequestUriPrefix.length);
  if (!handlePattern.test(handle)) throw unusable('malformed request_uri');
  return { client, handle };
}

/** PAR-07: the record must exist (PAR-08: not used before), be unexpired, and be this client's (the store already refuses another client's). */
export function checkPushedRequest<T extends { client_id: string; expires_at: number }>(record: T | null, client: RegisteredClient, nowMs: number): asserts record is T {
  if (!record) throw unusable('unknown or used request_uri');
  if (record.client_id !== client.client_id) throw unusable('request_uri of another client');
  if (record.expires_at <= nowMs) throw unusable('expired request_uri');
}
