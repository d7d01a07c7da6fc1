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

/** The URL with the value of every parameter not known to be harmless replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const kept = [...params].map(([name, value]) => `${encodeURIComponent(name)}=${harmlessParameters.has(name) ? encodeURIComponent(value) : '[redacted]'}`);
  return `${url.slice(0, q)}?${kept.join('&')}`;
}

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

/** A caller's own X-Request-Id is kept when it is well-formed, so logs can be joined. */
export function generateRequestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && requestIdPattern.test(incoming)) return incoming;
  return randomToken(12);
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
