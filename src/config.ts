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
  /** AUTHZ-23 flag: the legacy login_hint=eidas:true adds eidas-loa-substantial to acr_values (default true). */
  readonly legacyEidasLoginHint: boolean;
  /** IDT-05, IDT-11: JSON object mapping eIDAS identifiers to (synthetic) Norwegian numbers; unset: no matches. */
  readonly eidasMatchFile: string | undefined;
  /** LOGOUT-04 flag logoutAcceptClientIdWithoutHint: client_id may stand in for id_token_hint. */
  readonly logoutAcceptClientIdWithoutHint: boolean;
  /** AUTHN-01: the upstream eID; unset: none. */
  readonly upstream: UpstreamConfig | undefined;
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
    /** Per minute and source address: requests to the administration API. */
    readonly adminApiPerAddress: number;
  };
  /** CLIENT-06 clientSecretMaxLifetimeDays: days a generated client secret lives (1–360). */
  readonly clientSecretMaxLifetimeDays: number;
  /** ADMIN-01: the most clients the administration API keeps (bounds the registry every instance holds). */
  readonly maxApiClients: number;
  /** Where the audit log goes: a file path or `stdout`; unset: no audit log. */
  readonly auditLog: string | undefined;
  /** Serve /metrics only on this port (not on the public listener). */
  readonly metricsPort: number | undefined;
  /** The proxies in front whose X-Forwarded-For counts: addresses, CIDR ranges, or loopback/linklocal/uniquelocal; unset: none. */
  readonly trustProxy: string | undefined;
  /** Shed load (503) when the event loop lags more than this many ms; 0: never. */
  readonly maxEventLoopDelayMs: number;
}

/** The upstream OpenID Provider of the upstream eID (OP_UPSTREAM_*; AUTHN-01, AUTHN-02). */
export interface UpstreamConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientAuth: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  readonly clientSecret: string | undefined;
  readonly privateKeyFile: string | undefined;
  readonly scope: string;
  readonly name: string;
  readonly pidClaim: string;
  /** The upstream's acr value → our level, in order. */
  readonly acrMap: readonly (readonly [string, Acr])[];
  /** Fixed amr values; unset: the upstream's amr are passed on. */
  readonly amr: readonly string[] | undefined;
}

type Acr = 'idporten-loa-low' | 'idporten-loa-substantial' | 'idporten-loa-high' | 'eidas-loa-low' | 'eidas-loa-substantial' | 'eidas-loa-high';
const ourLevels: readonly Acr[] = ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high', 'eidas-loa-low', 'eidas-loa-substantial', 'eidas-loa-high'];

/** OP_UPSTREAM_ACR_MAP: `upstream=ours` pairs, comma-separated; every value one of our levels, all on one scale. */
function parseAcrMap(value: string): { map?: [string, Acr][]; problem?: string } {
  const map: [string, Acr][] = [];
  for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([\x21-\x7e]{1,100})=([a-z-]+)$/.exec(pair);
    if (!match || !(ourLevels as readonly string[]).includes(match[2]!)) return { problem: 'must be comma-separated upstream=level pairs, each level one of idporten-loa-low|substantial|high or eidas-loa-low|substantial|high (AUTHN-02)' };
    if (map.some(([upstream]) => upstream === match[1])) return { problem: 'must name each upstream acr value once (AUTHN-02)' };
    map.push([match[1]!, match[2] as Acr]);
  }
  if (map.length === 0) return { problem: 'must map at least one upstream acr value (AUTHN-02)' };
  if (new Set(map.map(([, ours]) => ours.startsWith('eidas-'))).size > 1) return { problem: 'must map to one scale: idporten-loa-* or eidas-loa-* levels, not both (AUTHN-01)' };
  return { map };
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
    OP_LEGACY_EIDAS_LOGIN_HINT: flag(true, ' (AUTHZ-23)'),
    OP_EIDAS_MATCH_FILE: z.string().min(1, { message: 'must be a file path' }).optional(),
    // AUTHN-01, AUTHN-02: the upstream eID (an OpenID Provider in front of a real eID).
    OP_UPSTREAM_ISSUER: z
      .string()
      .refine((value) => /^https?:\/\/[^\s?#]+$/.test(value) && !value.endsWith('/'), { message: 'must be an absolute http(s) URL without a query, fragment or trailing slash' })
      .optional(),
    OP_UPSTREAM_CLIENT_ID: z.string().regex(/^[\x20-\x7e]{1,200}$/, { message: 'must be 1-200 printable ASCII characters' }).optional(),
    OP_UPSTREAM_CLIENT_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
    OP_UPSTREAM_PRIVATE_KEY_FILE: z.string().min(1, { message: 'must be a file path' }).optional(),
    OP_UPSTREAM_CLIENT_AUTH: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt'], { message: 'must be client_secret_basic, client_secret_post or private_key_jwt' }).optional(),
    OP_UPSTREAM_SCOPE: z.string().regex(/^openid( [\x21\x23-\x5b\x5d-\x7e]+)*$/, { message: 'must be space-separated scopes beginning with openid' }).default('openid profile'),
    OP_UPSTREAM_NAME: z.string().trim().min(1).max(100, { message: 'must be 1-100 characters' }).optional(),
    OP_UPSTREAM_PID_CLAIM: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'must be a claim name' }).default('pid'),
    OP_UPSTREAM_ACR_MAP: z.string().default('idporten-loa-substantial=idporten-loa-substantial,idporten-loa-high=idporten-loa-high'),
    OP_UPSTREAM_AMR: z.string().regex(/^[\x21-\x2b\x2d-\x7e]{1,63}(,[\x21-\x2b\x2d-\x7e]{1,63})*$/, { message: 'must be comma-separated amr values' }).optional(),
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
    OP_RATE_LIMIT_ADMIN_API: wholeNumber(1, 10_000_000, 'requests per minute', 300),
    OP_CLIENT_SECRET_MAX_LIFETIME_DAYS: wholeNumber(1, 360, 'days', 360, ' (CLIENT-06)'),
    OP_MAX_API_CLIENTS: wholeNumber(1, 100_000, 'clients', 1000),
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
    // AUTHN-01: the upstream eID is configured as a whole: issuer, client and one credential.
    const upstreamVariables = Object.keys(env).filter((name) => name.startsWith('OP_UPSTREAM_') && !['OP_UPSTREAM_SCOPE', 'OP_UPSTREAM_PID_CLAIM', 'OP_UPSTREAM_ACR_MAP'].includes(name));
    const needs = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.OP_UPSTREAM_ISSUER || upstreamVariables.length > 0) {
      if (!env.OP_UPSTREAM_ISSUER) needs('OP_UPSTREAM_ISSUER', 'is required when any other OP_UPSTREAM_* variable is set');
      if (!env.OP_UPSTREAM_CLIENT_ID) needs('OP_UPSTREAM_CLIENT_ID', 'is required with OP_UPSTREAM_ISSUER');
      const method = env.OP_UPSTREAM_CLIENT_AUTH ?? (env.OP_UPSTREAM_PRIVATE_KEY_FILE ? 'private_key_jwt' : 'client_secret_basic');
      if (method === 'private_key_jwt' && !env.OP_UPSTREAM_PRIVATE_KEY_FILE) needs('OP_UPSTREAM_PRIVATE_KEY_FILE', 'is required for private_key_jwt');
      if (method !== 'private_key_jwt' && !env.OP_UPSTREAM_CLIENT_SECRET) needs('OP_UPSTREAM_CLIENT_SECRET', `is required for ${method}`);
      if (env.OP_UPSTREAM_CLIENT_SECRET && env.OP_UPSTREAM_PRIVATE_KEY_FILE) needs('OP_UPSTREAM_CLIENT_SECRET', 'must not be set together with OP_UPSTREAM_PRIVATE_KEY_FILE: one credential');
      const acr = parseAcrMap(env.OP_UPSTREAM_ACR_MAP);
      if (acr.problem) needs('OP_UPSTREAM_ACR_MAP', acr.problem);
      // ENV-03: a prod provider talks to its upstream over https only.
      if (env.OP_MODE === 'prod' && env.OP_UPSTREAM_ISSUER?.startsWith('http:')) needs('OP_UPSTREAM_ISSUER', 'must be https in prod mode (ENV-03)');
    }
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
    upstream: e.OP_UPSTREAM_ISSUER
      ? {
          issuer: e.OP_UPSTREAM_ISSUER,
          clientId: e.OP_UPSTREAM_CLIENT_ID!,
          clientAuth: e.OP_UPSTREAM_CLIENT_AUTH ?? (e.OP_UPSTREAM_PRIVATE_KEY_FILE ? 'private_key_jwt' : 'client_secret_basic'),
          clientSecret: e.OP_UPSTREAM_CLIENT_SECRET,
          privateKeyFile: e.OP_UPSTREAM_PRIVATE_KEY_FILE,
          scope: e.OP_UPSTREAM_SCOPE,
          name: e.OP_UPSTREAM_NAME ?? new URL(e.OP_UPSTREAM_ISSUER).host,
          pidClaim: e.OP_UPSTREAM_PID_CLAIM,
          acrMap: parseAcrMap(e.OP_UPSTREAM_ACR_MAP).map!,
          amr: e.OP_UPSTREAM_AMR?.split(','),
        }
      : undefined,
    legacyEidasLoginHint: e.OP_LEGACY_EIDAS_LOGIN_HINT,
    eidasMatchFile: e.OP_EIDAS_MATCH_FILE,
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
      adminApiPerAddress: e.OP_RATE_LIMIT_ADMIN_API,
    },
    clientSecretMaxLifetimeDays: e.OP_CLIENT_SECRET_MAX_LIFETIME_DAYS,
    maxApiClients: e.OP_MAX_API_CLIENTS,
    auditLog: e.OP_AUDIT_LOG,
    metricsPort: e.OP_METRICS_PORT,
    trustProxy: e.OP_TRUST_PROXY,
    maxEventLoopDelayMs: e.OP_MAX_EVENT_LOOP_DELAY_MS,
  });
}
