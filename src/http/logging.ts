// ERR-06: logs carry a request id, the client and the endpoint, and never a secret, token,
// cookie, Authorization header or national identity number. Query strings are logged with only
// the values of known-harmless parameters; every other value becomes [redacted].
import type { IncomingMessage } from 'node:http';
import type { FastifyLoggerOptions } from 'fastify';
import type { LogLevel } from '../config.js';
import { randomToken } from '../random.js';

const harmlessParameters = new Set([
  'client_id',
  'response_type',
  'response_mode',
  'scope',
  'redirect_uri',
  'post_logout_redirect_uri',
  'ui_locales',
  'prompt',
  'acr_values',
  'code_challenge_method',
  'max_age',
  'display',
  'lang',
  'iss',
  'grant_type',
  'token_type_hint',
]);

/** Bounds of what one log line repeats from a URL: the path, each kept value, the parameters. */
const maxLoggedPath = 512;
const maxLoggedValue = 100;
const maxLoggedParameters = 30;

const bounded = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}...` : text);

/**
 * The URL with the value of every parameter not known to be harmless replaced, and everything
 * bounded: a harmless value is still the caller's text, and a log line must not grow with it.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return bounded(url, maxLoggedPath);
  const params = [...new URLSearchParams(url.slice(q + 1))];
  const kept = params
    .slice(0, maxLoggedParameters)
    .map(([name, value]) => `${bounded(encodeURIComponent(name), 50)}=${harmlessParameters.has(name) ? bounded(encodeURIComponent(value), maxLoggedValue) : '[redacted]'}`);
  if (params.length > maxLoggedParameters) kept.push(`...(${params.length - maxLoggedParameters} more)`);
  return `${bounded(url.slice(0, q), maxLoggedPath)}?${kept.join('&')}`;
}

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Every request gets an id of ours: one the caller chose could collide with another request's or
 * be made to look like one, and the log would join what does not belong together.
 */
export const generateRequestId = (): string => randomToken(12);

/** A caller's X-Request-Id (a load balancer's trace id), when well-formed: logged beside ours. */
export function callerRequestId(headers: IncomingMessage['headers']): string | undefined {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : undefined;
}

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.client_secret',
  '*.client_assertion',
  '*.code',
  '*.code_verifier',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.id_token_hint',
  '*.token',
  '*.pid',
  '*.password',
  '*.secret',
];

export function loggerOptions(level: LogLevel): FastifyLoggerOptions & { redact: { paths: string[]; censor: string } } {
  return {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req(request: { method: string; url: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}
