// What every client-authentication method shares: the failure builder (ERR-04 RFC 6749 §5.2:
// invalid_client is 401, with a Basic challenge whenever the client tried the Authorization
// header), the one generic description, and how a value is quoted for the log (never a
// credential, bounded).
import { OAuthError } from '../../errors.js';

/**
 * What prod mode says for every client-authentication failure. Test mode names the cause after it
 * (`Client authentication failed: wrong client secret`), so that an integrator can fix their side;
 * prod keeps the cause in the log only (flows/client-authentication.ts).
 */
export const GENERIC_FAILURE = 'Client authentication failed';

/** Builds the invalid_client error of one request: `description` for the client, `detail` for the log. */
export type Fail = (description: string, detail: string) => OAuthError;

export function failureFor(usedAuthorizationHeader: boolean, issuer: string): Fail {
  return (description, detail) =>
    new OAuthError('invalid_client', description, {
      status: 401,
      detail,
      // Basic is the only header scheme we accept, so it is the challenge even for another scheme.
      ...(usedAuthorizationHeader ? { wwwAuthenticate: `Basic realm="${issuer}"` } : {}),
    });
}

/** A value for the log: bounded and quoted. */
export const quote = (value: string): string => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
