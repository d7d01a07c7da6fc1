// The authorization_code grant's checks (TOKEN-10, TOKEN-11; RFC 6749 §4.1.3, §10.5; RFC 7636
// §4.5, §4.6). Every failure is invalid_grant: the client learns that the grant is unusable, not
// which binding failed (the log gets the detail).
import { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';
import type { CodeRecord } from '../../store/codes.js';
import { verifierMatches, verifierPattern } from '../pkce.js';
import { formParameter, type FormBody } from './token-request.js';

export interface CodeGrantParameters {
  code: string;
  redirect_uri: string;
  code_verifier?: string;
}

/** TOKEN-10: code and redirect_uri are required; code_verifier when a challenge was stored. */
export function parseCodeGrant(body: FormBody): CodeGrantParameters {
  const code = formParameter(body, 'code');
  const redirectUri = formParameter(body, 'redirect_uri');
  const verifier = formParameter(body, 'code_verifier');
  if (code === undefined) throw new OAuthError('invalid_request', 'code is missing');
  if (redirectUri === undefined) throw new OAuthError('invalid_request', 'redirect_uri is missing');
  return { code, redirect_uri: redirectUri, ...(verifier !== undefined ? { code_verifier: verifier } : {}) };
}

const invalidGrant = (detail: string) => new OAuthError('invalid_grant', 'The authorization code is invalid, expired or was issued to another client', { detail });

/** TOKEN-10, TOKEN-11: the code's bindings, checked after it was atomically claimed. */
export function checkCodeRedemption(record: CodeRecord, client: RegisteredClient, parameters: CodeGrantParameters, nowMs: number): void {
  // TOKEN-10 RFC 6749 §4.1.3: issued to this very client.
  if (record.client_id !== client.client_id) throw invalidGrant('code of another client');
  // TOKEN-11: 60 s, on the injected clock.
  if (record.expires_at <= nowMs) throw invalidGrant('code expired');
  // TOKEN-10 RFC 6749 §4.1.3: identical to the authorization request's redirect_uri.
  if (record.redirect_uri !== parameters.redirect_uri) throw invalidGrant('redirect_uri differs from the authorization request');
  const verifier = parameters.code_verifier;
  if (record.code_challenge !== undefined) {
    // TOKEN-10 RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge.
    if (verifier === undefined) throw invalidGrant('code_verifier missing');
    if (!verifierPattern.test(verifier) || !verifierMatches(verifier, record.code_challenge)) throw invalidGrant('code_verifier does not match');
  } else if (verifier !== undefined) {
    // RFC 9700 §2.1.1: a verifier without a stored challenge signals a confused or injected code.
    throw invalidGrant('code_verifier sent but no code_challenge was');
  }
}
