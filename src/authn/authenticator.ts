// AUTHN-01: authenticators are plugins that turn a user's interaction into {pid, acr, amr}.
// TestID is the only one today (test mode); real eIDs implement the same interface.
import type { AcrLevel } from '../protocol/acr.js';
import type { AuthenticationResult } from '../protocol/tokens.js';

export type { AuthenticationResult };

export type AuthenticationOutcome = { ok: true; result: AuthenticationResult } | { ok: false; problem: string };

export interface Authenticator {
  readonly id: string;
  /** The levels this authenticator can deliver (AUTHN-01: listed only if at least the minimum). */
  readonly levels: readonly AcrLevel[];
  /** Check what the user submitted. `problem` is a message key for the page, never a secret. */
  authenticate(form: Readonly<Record<string, string | undefined>>, minimum: AcrLevel): AuthenticationOutcome;
}
