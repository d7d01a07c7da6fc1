// AUTHN-01: authenticators are plugins with one interface: how a login starts (the method's form
// on the login page, or a redirect to an external eID), how it completes (the form, or the
// external eID's answer), and which levels and amr values it can give. The login page is the eID
// selector: it lists only the authenticators that can meet the request (AUTHN-01, AUTHZ-11) —
// eIDAS only when the request asked for it — and shows a lone one straight away.
import { meetsRequirement, type Acr, type AcrRequirement } from '../protocol/acr.js';
import type { AuthenticationResult } from '../protocol/tokens.js';

export type { AuthenticationResult };

export type AuthenticationOutcome = { ok: true; result: AuthenticationResult } | { ok: false; problem: string };

/** The scale an authenticator's levels are on: national eIDs (idporten-loa-*) or eIDAS (eidas-loa-*). */
export type AuthenticatorScale = 'idporten' | 'eidas';

/** How a login by this method begins. */
export type AuthenticationStart =
  /** The method's fields are a form of the login page; `complete` takes that form. */
  | { kind: 'form' }
  /**
   * The browser is sent to an external eID; `pending` (no secret of the user's, at most a few
   * hundred bytes) is sealed into the interaction and given back to `complete` with the answer.
   */
  | { kind: 'redirect'; url: string; pending: Readonly<Record<string, string>> };

export interface StartContext {
  /** The pending login: an external eID's `state` names it, so the answer finds its way back. */
  interactionId: string;
  /** Where the external eID sends the browser back (the provider's callback URL). */
  callbackUrl: string;
  /** AUTHZ-14, Core §3.1.2.1: the request demands a fresh authentication (prompt=login, max_age, step-up). */
  forceLogin: boolean;
  requirement: AcrRequirement;
  /** AUTHZ-23: a hint only, never a bypass. */
  loginHint?: string | undefined;
  /** AUTHZ-13: the language in effect. */
  locale: string;
}

export interface CompletionInput {
  /** What the user submitted on the login page (form methods). */
  form?: Readonly<Record<string, string | undefined>>;
  /** The external eID's answer: the callback URL as the browser requested it (redirect methods). */
  callback?: URL;
  /** What `start` asked to keep (redirect methods). */
  pending?: Readonly<Record<string, string>>;
  requirement: AcrRequirement;
}

export interface Authenticator {
  /** Stable id: the login form's `method` value and the page section's id (`eid-<id>`). */
  readonly id: string;
  readonly scale: AuthenticatorScale;
  /** AUTHN-01, AUTHN-02: the levels this authenticator can give. */
  readonly levels: readonly Acr[];
  /** AUTHN-02: the amr values it can give. */
  readonly amr: readonly string[];
  /** A name for the selector when the method has no page text of its own (an external eID). */
  readonly displayName?: string;
  start(context: StartContext): AuthenticationStart | Promise<AuthenticationStart>;
  /** Check the user's answer. `problem` is a message key for the page, never a secret. */
  complete(input: CompletionInput): AuthenticationOutcome | Promise<AuthenticationOutcome>;
}

/**
 * AUTHN-01: the levels of `authenticator` that meet the request (empty: it is not offered), by
 * the one rule of AUTHZ-11 that also decides SSO answers (meetsRequirement: eIDAS only when
 * requested, national eIDs unless only eIDAS was requested).
 */
export function offeredLevels(authenticator: Authenticator, requirement: AcrRequirement): Acr[] {
  return authenticator.levels.filter((level) => meetsRequirement(level, requirement));
}

/** AUTHN-01: the eID selector lists only the authenticators that can meet the request. */
export const eligibleAuthenticators = (authenticators: readonly Authenticator[], requirement: AcrRequirement): Authenticator[] =>
  authenticators.filter((authenticator) => offeredLevels(authenticator, requirement).length > 0);
