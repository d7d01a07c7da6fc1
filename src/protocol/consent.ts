// Consent (AUTHZ-14, AUTHZ-27, SSO-04; OIDC Core §3.1.2.4): scopes registered with
// requires_user_consent need the user's answer on the consent page before a code is issued. The
// answer is remembered per person, client and set of such scopes until the grant it was given
// for ends; prompt=consent always asks again; prompt=none without a remembered answer is
// consent_required. Pure: whether an answer is remembered is the caller's lookup.
import { createHash } from 'node:crypto';
import { OAuthError } from '../errors.js';
import type { PromptValue } from './authorize/request.js';

/** AUTHZ-27: a remembered consent (store/consents.ts keeps it until its grant ends). */
export interface ConsentRecord {
  [key: string]: unknown;
  /** The consent-requiring scopes the user accepted. */
  scopes: string[];
  /** ms */
  granted_at: number;
  /** The grant the consent was given with; revoking it forgets the consent. */
  grant_id: string;
}

export type ConsentDecision = { kind: 'granted' } | { kind: 'ask' } | { kind: 'error'; error: OAuthError };

/** AUTHZ-14, AUTHZ-27: whether to issue the code, show the consent page, or answer consent_required. */
export function decideConsent(prompt: readonly PromptValue[], remembered: boolean): ConsentDecision {
  // AUTHZ-14 Core §3.1.2.1: prompt=consent asks even when an answer is remembered.
  if (prompt.includes('consent')) return { kind: 'ask' };
  if (remembered) return { kind: 'granted' };
  // AUTHZ-14 Core §3.1.2.6: prompt=none must not show the consent page.
  if (prompt.includes('none')) return { kind: 'error', error: new OAuthError('consent_required', 'The user has not consented to the requested scopes') };
  return { kind: 'ask' };
}

/**
 * AUTHZ-27: the one key of a consent: person (by the pairwise sub, never the pid), client and the
 * set of consent-requiring scopes, hashed so the store holds no personal data in its keys.
 */
export function consentId(clientId: string, pairwiseSub: string, scopes: readonly string[]): string {
  return createHash('sha256').update(`${clientId}\n${pairwiseSub}\n${[...scopes].sort().join(' ')}`, 'utf8').digest('base64url');
}

/** AUTHZ-26 RFC 6749 §4.1.2.1: the user declined. */
export const consentDeclined = (): OAuthError => new OAuthError('access_denied', 'The user declined the consent');
