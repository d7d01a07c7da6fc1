// The one place where errors become responses (ERR-01…ERR-04, ERR-06). An OAuthError is shown as
// it is; Fastify's own request errors (schema, body, media type) become invalid_request (docs/traps.md,
// schema-errors); anything else becomes server_error with no detail beyond a reference id.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { chooseLocale, languageCookie } from '../i18n/locale.js';
import { OAuthError, StoreUnavailableError, isOAuthError, storeOutage } from '../errors.js';
import { renderErrorPage } from '../views/error-page.js';
import { noStore, sendPage } from './headers.js';

function fromFastifyError(error: FastifyError): OAuthError | undefined {
  if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
    return new OAuthError('invalid_request', 'The request has a missing, repeated or malformed parameter');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OAuthError('invalid_request', 'The request body must be application/x-www-form-urlencoded');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError('invalid_request', 'The request body is too large', { status: 413 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new OAuthError('invalid_request', 'The request body cannot be read');
    default:
      break;
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new OAuthError('invalid_request', 'The request cannot be processed', { status: error.statusCode, detail: error.message });
  }
  return undefined;
}

export function toOAuthError(error: unknown, referenceId: string): OAuthError {
  if (isOAuthError(error)) return error;
  // Store outage (docs/interface.md, "Operations"): 503 with Retry-After, never a 500 or a hang.
  if (error instanceof StoreUnavailableError) return storeOutage(error);
  const known = error instanceof Error ? fromFastifyError(error as FastifyError) : undefined;
  return known ?? new OAuthError('server_error', `An unexpected error occurred; reference ${referenceId}`, { mayRedirect: false });
}

/** Reply with an OAuthError in the style of the route: JSON (ERR-03) or the error page (ERR-01). */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: OAuthError): FastifyReply {
  if (error.wwwAuthenticate) reply.header('www-authenticate', error.wwwAuthenticate);
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
  if (request.routeOptions.config?.errorStyle === 'html') {
    const cookies = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
    // AUTHZ-13, AUTHZ-01: ui_locales from the query (GET) or the form (POST).
    const uiLocales = [request.query, request.body].map((p) => (p as Record<string, unknown> | undefined)?.ui_locales).find((v) => typeof v === 'string') as string | undefined;
    const locale = chooseLocale(cookies?.[languageCookie], uiLocales);
    const page = renderErrorPage({ locale, error: error.error, description: error.description, referenceId: request.id, clientName: request.clientName });
    // ERR-01: a browser error that must not redirect is a 400 page; 5xx stays 5xx and a rate
    // limit stays 429, so that clients and proxies see them for what they are.
    return sendPage(reply, page, error.status >= 500 || error.status === 429 ? error.status : 400);
  }
  return noStore(reply).code(error.status).type('application/json; charset=utf-8').send(JSON.stringify(error.toJSON()));
}

/**
 * Errors Node raises before a request reaches Fastify (a body not in full within the request
 * timeout: 408; headers too large: 431; anything unparsable: 400), answered in the ERR-03 shape
 * and the connection closed.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, description] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'The request did not arrive in full in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'The request headers are too large']
        : [400, 'Bad Request', 'The request cannot be parsed'];
  this.log.info({ status, reason: error.code }, 'connection refused');
  if (socket.writable) {
    const body = JSON.stringify({ error: 'invalid_request', error_description: description });
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nCache-Control: no-store\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy();
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((raw, request, reply) => {
    const error = toOAuthError(raw, request.id);
    // ERR-06: reference id (the request id on every line), client and endpoint; no token, secret or pid.
    const fields = { error: error.error, status: error.status, client_id: request.clientId, endpoint: request.routeOptions.url, detail: error.detail };
    // A store outage is logged without a stack: the client's own error events say what broke.
    if (raw instanceof StoreUnavailableError) request.log.warn(fields, 'request failed: store unavailable');
    else if (error.status >= 500) request.log.error({ ...fields, err: raw }, 'request failed');
    else request.log.info(fields, 'request refused');
    return sendError(request, reply, error);
  });

  const methods: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    // The router matches the path as it would for a request (parameters included, /login/<id>).
    const allowed = methods.filter((method) => app.findRoute({ url, method }) !== null);
    if (allowed.length > 0) {
      // ERR-04: a known endpoint asked with the wrong method is 405 with Allow.
      reply.header('allow', allowed.join(', '));
      return sendError(request, reply, new OAuthError('method_not_allowed', `This endpoint accepts ${allowed.join(', ')}`));
    }
    return sendError(request, reply, new OAuthError('not_found', 'There is no such endpoint'));
  });
}
