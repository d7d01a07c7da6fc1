// Start-up configuration: the OP_* environment variables of docs/interface.md, validated by one
// zod schema into a frozen Config. ENV-01 (issuer form) and ENV-03 (test/prod gating) are
// decided here, before anything listens.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export type Mode = 'test' | 'prod';

export interface Config {
  readonly issuer: string;
  readonly port: number;
  readonly host: string;
  readonly mode: Mode;
  /** Unset: the embedded in-process store (test mode only). */
  readonly redisUrl: string | undefined;
  /** Prefix of every key the provider writes to Redis. */
  readonly redisPrefix: string;
  readonly clientsFile: string;
  /** True when clientsFile is the demo file shipped in the repository. */
  readonly clientsFileIsDemo: boolean;
  /** Unset: a key is generated at start (test mode only). */
  readonly signingKeysFile: string | undefined;
  /** CLIENT-16: the scope registry; unset = only the built-in scopes. */
  readonly scopesFile: string | undefined;
  /** TOKEN-08, ENV-03: trusted CAs for business certificates; unset = the repository's test CA (test mode only). */
  readonly trustedCaFile: string | undefined;
  /** TOKEN-08: revocation lists of those CAs; unset = none. */
  readonly crlFile: string | undefined;
  readonly pairwiseSecret: string;
  /** True when pairwiseSecret is the fixed development value. */
  readonly pairwiseSecretIsDefault: boolean;
  /** Key material for the sealed interaction cookie; unset: generated and shared (test mode). */
  readonly cookieSecret: string | undefined;
  /** PAR-05: seconds a pushed request_uri stays usable. */
  readonly parLifetime: number;
  /** AUTHZ-08 flag requireStateAndNonceForAll: state and nonce mandatory for every client. */
  readonly requireStateAndNonceForAll: boolean;
  /** LOGOUT-04 flag logoutAcceptClientIdWithoutHint: client_id may stand in for id_token_hint. */
  readonly logoutAcceptClientIdWithoutHint: boolean;
  readonly logLevel: LogLevel;
  /** ms a Redis command may take before the request is answered 503 (store outage). */
  readonly redisTimeoutMs: number;
  /** Seconds a request (headers and body) may take to arrive, and a connection may stay silent mid-request. */
  readonly requestTimeout: number;
  /** Seconds an idle keep-alive connection is kept open. */
  readonly keepAliveTimeout: number;
  /** Requests one keep-alive connection may carry before it is closed (0: no limit). */
  readonly maxRequestsPerSocket: number;
  /** TOKEN-11: seconds an authorization code lives (10–600, default 60). */
  readonly codeLifetime: number;
  /** TOKEN-07 flag requireJti: client assertions must carry a jti (default true). */
  readonly requireAssertionJti: boolean;
  /** Per minute; 0 turns a traffic limit off. */
  readonly rateLimits: {
    readonly clientAuthenticationFailures: number;
    readonly parPerAddress: number;
    readonly parPerClient: number;
    readonly authorizePerAddress: number;
    /** Rejected identity numbers one login accepts; the next submission ends it (429). */
    readonly loginAttempts: number;
    /** Per minute and client: logins whose request is too large for the cookie and is kept in the store. */
    readonly largeLoginsPerClient: number;
  };
  /** Where the audit log goes: a file path or `stdout`; unset: no audit log. */
  readonly auditLog: string | undefined;
  /** Serve /metrics only on this port (not on the public listener). */
  readonly metricsPort: number | undefined;
  /** The proxies in front whose X-Forwarded-For counts: addresses, CIDR ranges, or loopback/linklocal/uniquelocal; unset: none. */
  readonly trustProxy: string | undefined;
  /** Shed load (503) when the event loop lags more than this many ms; 0: never. */
  readonly maxEventLoopDelayMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export const demoClientsFile = fileURLToPath(new URL('../fixtures/demo/clients.json', import.meta.url));

/** IDT-04: only for test mode; prod must configure its own (checked below). */
const developmentPairwiseSecret = 'development-only-pairwise-secret-do-not-use-in-prod';

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127\./.test(hostname);

/** A whole number from `min` to `max` (`unit` names it in the message), with a default. */
const wholeNumber = (min: number, max: number, unit: string, fallback: number, why = '') => {
  const message = `must be a whole number of ${unit} from ${min} to ${max}${why}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message }).default(fallback);
};

/** `true` or `false`, with a default. */
const flag = (fallback: boolean, why = '') =>
  z
    .enum(['true', 'false'], { message: `must be true or false${why}` })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true');

// Every message names the variable and the rule; none repeats the value, which may be a secret.
const envSchema = z
  .object({
    // Unset: http://localhost:<OP_PORT> (defaultIssuer), so a provider moved to another port
    // advertises the URL it answers on.
    OP_ISSUER: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
          return;
        }
        // ENV-01 Disc §4.3: the issuer is compared byte for byte, so one canonical form only.
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
          ctx.addIssue({ code: 'custom', message: 'must use https (or http in test mode)' });
        }
        if (value.endsWith('/')) ctx.addIssue({ code: 'custom', message: 'must not end with a slash (ENV-01)' });
        if (url.search || url.hash || url.username || url.password) {
          ctx.addIssue({ code: 'custom', message: 'must not contain a query, fragment or credentials (RFC 8414 §2)' });
        }
        if (url.href.replace(/\/$/, '') !== value.replace(/\/$/, '')) {
          ctx.addIssue({ code: 'custom', message: 'must be in canonical form (lower-case scheme and host, no default port)' });
        }
      }),
    OP_PORT: z.coerce
      .number({ message: 'must be a whole number from 0 to 65535' })
      .int({ message: 'must be a whole number from 0 to 65535' })
      .min(0, { message: 'must be a whole number from 0 to 65535' })
      .max(65535, { message: 'must be a whole number from 0 to 65535' })
      .default(3000),
    OP_HOST: z.string().min(1, { message: 'must not be empty' }).default('127.0.0.1'),
    OP_MODE: z.enum(['test', 'prod'], { message: 'must be "test" or "prod"' }).default('test'),
    OP_REDIS_URL: z
      .string()
      .optional()
      .refine((v) => v === undefined || /^(rediss?|rediss?-sentinel|rediss?-cluster):\/\//.test(v), {
        message: 'must start with redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://',
      }),
    OP_REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,32}$/, { message: 'must be 1-32 characters of A-Z a-z 0-9 : _ . -' })
      .default('op:'),
    OP_CLIENTS_FILE: z.string().min(1, { message: 'must be a file path' }).optional(),
    OP_SIGNING_KEYS_FILE: z.string().min(1, { message: 'must be a file path' }).optional(),
    OP_SCOPES_FILE: z.string().min(1, { message: 'must be a file path' }).optional(),
    OP_TRUSTED_CA_FILE: z.string().min(1, { message: 'must be a file path' }).optional(),
    OP_CRL_FILE: z.string().min(1, { message: 'must be a file path' }).optional(),
    OP_PAIRWISE_SECRET: z
      .string()
      .min(32, { message: 'must be at least 32 characters (IDT-04)' })
      .optional(),
    OP_COOKIE_SECRET: z
      .string()
      .min(32, { message: 'must be at least 32 characters' })
      .optional(),
    OP_PAR_LIFETIME: z.coerce
      .number({ message: 'must be a whole number of seconds from 10 to 600 (PAR-05)' })
      .int({ message: 'must be a whole number of seconds from 10 to 600 (PAR-05)' })
      .min(10, { message: 'must be a whole number of seconds from 10 to 600 (PAR-05)' })
      .max(600, { message: 'must be a whole number of seconds from 10 to 600 (PAR-05)' })
      .default(120),
    OP_CODE_LIFETIME: wholeNumber(10, 600, 'seconds', 60, ' (TOKEN-11)'),
    OP_REQUIRE_STATE_AND_NONCE: flag(false, ' (AUTHZ-08)'),
    OP_LOGOUT_ACCEPT_CLIENT_ID_WITHOUT_HINT: flag(false, ' (LOGOUT-04)'),
    OP_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    OP_REDIS_TIMEOUT_MS: wholeNumber(50, 10_000, 'milliseconds', 1000),
    OP_REQUEST_TIMEOUT: wholeNumber(1, 300, 'seconds', 30),
    OP_KEEP_ALIVE_TIMEOUT: wholeNumber(1, 600, 'seconds', 72),
    OP_MAX_REQUESTS_PER_SOCKET: wholeNumber(0, 1_000_000, 'requests', 1000),
    OP_REQUIRE_ASSERTION_JTI: flag(true, ' (TOKEN-07)'),
    OP_RATE_LIMIT_CLIENT_AUTH: wholeNumber(1, 100_000, 'failed authentications per minute', 30),
    OP_RATE_LIMIT_LOGIN_ATTEMPTS: wholeNumber(1, 1000, 'attempts', 10),
    OP_RATE_LIMIT_PAR_PER_ADDRESS: wholeNumber(0, 10_000_000, 'requests per minute', 600, ' (0 = off)'),
    OP_RATE_LIMIT_PAR_PER_CLIENT: wholeNumber(0, 10_000_000, 'requests per minute', 3000, ' (0 = off)'),
    OP_RATE_LIMIT_LARGE_LOGINS_PER_CLIENT: wholeNumber(0, 10_000_000, 'requests per minute', 120, ' (0 = off)'),
    OP_RATE_LIMIT_AUTHORIZE_PER_ADDRESS: wholeNumber(0, 10_000_000, 'requests per minute', 600, ' (0 = off)'),
    OP_AUDIT_LOG: z.string().min(1).optional(),
    OP_METRICS_PORT: z.coerce
      .number({ message: 'must be a whole number from 1 to 65535' })
      .int({ message: 'must be a whole number from 1 to 65535' })
      .min(1, { message: 'must be a whole number from 1 to 65535' })
      .max(65535, { message: 'must be a whole number from 1 to 65535' })
      .optional(),
    OP_TRUST_PROXY: z
      .string()
      .regex(/^((loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?)(\s*,\s*|$))+$/, {
        message: 'must be a comma-separated list of proxy addresses, CIDR ranges or loopback, linklocal, uniquelocal',
      })
      .optional(),
    OP_MAX_EVENT_LOOP_DELAY_MS: wholeNumber(0, 60_000, 'milliseconds', 1000, ' (0 = off)'),
  })
  .superRefine((env, ctx) => {
    if (env.OP_MODE !== 'prod') return;
    // ENV-03: prod refuses every test-only convenience.
    const refuse = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    let issuer: URL | undefined;
    try {
      issuer = new URL(env.OP_ISSUER ?? defaultIssuer(env.OP_PORT));
    } catch {
      issuer = undefined;
    }
    if (issuer && issuer.protocol !== 'https:') refuse('OP_ISSUER', 'must be https in prod mode (ENV-01, ENV-03)');
    if (issuer && isLoopbackHost(issuer.hostname)) refuse('OP_ISSUER', 'must not be a localhost address in prod mode (ENV-03)');
    if (!env.OP_REDIS_URL) refuse('OP_REDIS_URL', 'is required in prod mode: the embedded store is single-instance and test-only (ENV-03)');
    if (!env.OP_SIGNING_KEYS_FILE) refuse('OP_SIGNING_KEYS_FILE', 'is required in prod mode: generated keys are test-only (ENV-03)');
    if (!env.OP_PAIRWISE_SECRET) refuse('OP_PAIRWISE_SECRET', 'is required in prod mode (IDT-04)');
    if (!env.OP_COOKIE_SECRET) refuse('OP_COOKIE_SECRET', 'is required in prod mode: generated secrets are test-only (ENV-03)');
    if (!env.OP_CLIENTS_FILE) refuse('OP_CLIENTS_FILE', 'is required in prod mode: the demo clients are test-only (ENV-03)');
  });

/** ENV-01: the issuer of a provider started without OP_ISSUER (docs/interface.md, "Starting it"). */
export function defaultIssuer(port: number): string {
  return port === 80 ? 'http://localhost' : `http://localhost:${port}`;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (inner && typeof inner === 'object' && !Object.isFrozen(inner)) deepFreeze(inner as object);
  }
  return Object.freeze(value);
}

/** Read the OP_* variables; an unset and an empty variable are the same. Throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(envSchema.shape ?? {})) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`));
  }
  const e = parsed.data;
  return deepFreeze({
    issuer: e.OP_ISSUER ?? defaultIssuer(e.OP_PORT),
    port: e.OP_PORT,
    host: e.OP_HOST,
    mode: e.OP_MODE,
    redisUrl: e.OP_REDIS_URL,
    redisPrefix: e.OP_REDIS_PREFIX,
    clientsFile: e.OP_CLIENTS_FILE ?? demoClientsFile,
    clientsFileIsDemo: e.OP_CLIENTS_FILE === undefined,
    signingKeysFile: e.OP_SIGNING_KEYS_FILE,
    scopesFile: e.OP_SCOPES_FILE,
    trustedCaFile: e.OP_TRUSTED_CA_FILE,
    crlFile: e.OP_CRL_FILE,
    pairwiseSecret: e.OP_PAIRWISE_SECRET ?? developmentPairwiseSecret,
    pairwiseSecretIsDefault: e.OP_PAIRWISE_SECRET === undefined,
    cookieSecret: e.OP_COOKIE_SECRET,
    parLifetime: e.OP_PAR_LIFETIME,
    codeLifetime: e.OP_CODE_LIFETIME,
    requireStateAndNonceForAll: e.OP_REQUIRE_STATE_AND_NONCE,
    logoutAcceptClientIdWithoutHint: e.OP_LOGOUT_ACCEPT_CLIENT_ID_WITHOUT_HINT,
    logLevel: e.OP_LOG_LEVEL,
    redisTimeoutMs: e.OP_REDIS_TIMEOUT_MS,
    requestTimeout: e.OP_REQUEST_TIMEOUT,
    keepAliveTimeout: e.OP_KEEP_ALIVE_TIMEOUT,
    maxRequestsPerSocket: e.OP_MAX_REQUESTS_PER_SOCKET,
    requireAssertionJti: e.OP_REQUIRE_ASSERTION_JTI,
    rateLimits: {
      clientAuthenticationFailures: e.OP_RATE_LIMIT_CLIENT_AUTH,
      parPerAddress: e.OP_RATE_LIMIT_PAR_PER_ADDRESS,
      parPerClient: e.OP_RATE_LIMIT_PAR_PER_CLIENT,
      authorizePerAddress: e.OP_RATE_LIMIT_AUTHORIZE_PER_ADDRESS,
      loginAttempts: e.OP_RATE_LIMIT_LOGIN_ATTEMPTS,
      largeLoginsPerClient: e.OP_RATE_LIMIT_LARGE_LOGINS_PER_CLIENT,
    },
    auditLog: e.OP_AUDIT_LOG,
    metricsPort: e.OP_METRICS_PORT,
    trustProxy: e.OP_TRUST_PROXY,
    maxEventLoopDelayMs: e.OP_MAX_EVENT_LOOP_DELAY_MS,
  });
}
