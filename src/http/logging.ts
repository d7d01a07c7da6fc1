// ERR-06: logs carry a request id, the client and the endpoint, and never a secret, token,
// cookie, Authorization header or national identity number. Query strings are logged with only
// the values of known-harmless parameters; every other value becomes [redacted].
import type { IncomingMessage } from 'node:http';
import type { FastifyLoggerOptions } from 'fastify';
import type { LoggerOptions } from 'pino';
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

/**
 * Field names whose values are never logged, at any of the first levels of a logged object: the
 * top level, a nested object (`{ body: { code } }`) and its nested objects (`{ req: { headers:
 * { authorization } } }`). Header names are compared in lower case.
 */
export const secretFields: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'client_secret',
  'client_assertion',
  'assertion',
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'token',
  'pid',
  'password',
  'secret',
]);
export const redactionCensor = '[redacted]';
const redactionDepth = 3;

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * ERR-06: the object with every secret field's value replaced (copied where something changed,
 * never mutated). Plain objects and arrays are searched; class instances are left to their
 * serializers (a request becomes method, redacted URL and address; an error its message and stack).
 * This replaces pino's wildcard redaction, which walked every field of every line for each of its
 * sixteen paths (about 12 µs a line, 3 % of a login flow) and did not look at the top level.
 */
export function redactSecrets<T>(value: T, depth = 1): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const replaced = depth < redactionDepth && (isPlainObject(item) || Array.isArray(item)) ? redactSecrets(item, depth + 1) : item;
      if (replaced !== item) (copy ??= [...value])[i] = replaced;
    }
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    let replaced = item;
    if (secretFields.has(key.toLowerCase())) replaced = item === undefined ? item : redactionCensor;
    else if (depth < redactionDepth && (isPlainObject(item) || Array.isArray(item))) replaced = redactSecrets(item, depth + 1);
    if (replaced !== item) (copy ??= { ...value })[key] = replaced;
  }
  return (copy ?? value) as T;
}

export function loggerOptions(level: LogLevel): FastifyLoggerOptions & Pick<LoggerOptions, 'formatters'> {
  return {
    level,
    formatters: { log: (object: Record<string, unknown>) => redactSecrets(object) },
    serializers: {
      req(request: { method: string; url: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}
