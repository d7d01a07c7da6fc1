// The one error type of the provider. RFC 6749 §4.1.2.1 and §5.2, OIDC Core §3.1.2.6,
// RFC 6750 §3.1, RFC 7591 §3.2.2 and RFC 8707 §2 define the codes; ERR-02…ERR-04 the routing.
// The description is sent to the client and must stay free of secrets and personal data
// (ERR-03); anything else worth knowing goes into `detail`, which only the log sees.

/** Every error code this provider can emit: a closed union of the codes the specs define. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  /** OpenID Connect Core Unmet Authentication Requirements 1.0 §2: no eID here can meet acr_values. */
  | 'unmet_authentication_requirements'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'invalid_request_uri'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'not_found'
  | 'method_not_allowed';

export interface OAuthErrorOptions {
  /** HTTP status; ERR-04 defaults: 400, 401 for invalid_client/invalid_token, 403 for insufficient_scope. */
  status?: number;
  /** May this error be sent to the client's already-verified redirect_uri (ERR-02)? */
  mayRedirect?: boolean;
  /** For the log only: never shown to a client or user. */
  detail?: string;
  /** RFC 6750 §3 / RFC 6749 §5.2 challenge, e.g. `Basic realm="…"`. */
  wwwAuthenticate?: string;
  /** RFC 9110 §10.2.3 Retry-After, in seconds, for 429 and 503 answers. */
  retryAfter?: number;
}

const defaultStatus: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  not_found: 404,
  method_not_allowed: 405,
};

// RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (no `"` and no `\`).
const unsafeDescriptionChars = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Make a description safe for `error_description` (ASCII, no quote or backslash, bounded). */
export function toSafeDescription(text: string): string {
  return text.replace(unsafeDescriptionChars, '?').slice(0, 300);
}

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly description: string;
  readonly status: number;
  readonly mayRedirect: boolean;
  readonly detail: string | undefined;
  readonly wwwAuthenticate: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(error: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    const safe = toSafeDescription(description);
    super(`${error}: ${safe}`);
    this.name = 'OAuthError';
    this.error = error;
    this.description = safe;
    this.status = options.status ?? defaultStatus[error] ?? 400;
    this.mayRedirect = options.mayRedirect ?? true;
    this.detail = options.detail;
    this.wwwAuthenticate = options.wwwAuthenticate;
    this.retryAfter = options.retryAfter;
  }

  /** The ERR-03 JSON body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}

/**
 * The store (Redis) cannot serve now: not connected, a command timed out, or it refused for a
 * reason of its own state (loading, out of memory, failover). Thrown by store/redis-store.ts,
 * answered by the error handler as 503 temporarily_unavailable with Retry-After, or redirected
 * once the redirect_uri is verified (flows/authorize.ts, flows/login.ts). Never fatal: the
 * process keeps running and the client reconnects by itself.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Seconds a client is asked to wait after a store outage (Retry-After). */
export const storeRetryAfterSeconds = 5;

/** How a store outage is told to a client: 503, or a redirect where one is allowed (ERR-02). */
export function storeOutage(cause: StoreUnavailableError, mayRedirect = false): OAuthError {
  return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; try again shortly', {
    status: 503,
    retryAfter: storeRetryAfterSeconds,
    mayRedirect,
    detail: cause.message,
  });
}

/** 429 with Retry-After (RFC 6585 §4) for a rate limit: JSON on API endpoints, the error page on browser endpoints. */
export function rateLimited(retryAfter: number, description: string): OAuthError {
  return new OAuthError('temporarily_unavailable', description, { status: 429, retryAfter: Math.max(1, Math.ceil(retryAfter)), mayRedirect: false });
}
