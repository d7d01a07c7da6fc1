// The client record of profile §12, validated. Field names are the wire names of CLIENT-01
// (RFC 7591 §2 where one exists). Types and defaults come first (zod), then the cross-field
// rules of CLIENT-03…CLIENT-15, each reported against the field it concerns.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { Mode } from '../config.js';
import { logoProblems } from './logo.js';
import { anyPortLoopback, checkFrontchannelLogoutUri, checkRedirectUri } from './redirect-uri-rules.js';
import { orgno } from './orgno.js';
import { scopeRefusal, type ScopeRegistry } from './scope-registry.js';

export { hasValidOrgnoCheckDigit } from './orgno.js';

/** RFC 7523 §2.1: the grant of machine clients (TOKEN-21). */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const base64url = /^[A-Za-z0-9_-]+$/;

/** Bit length of an RSA modulus given as base64url (RFC 7518 §6.3.1.1). */
export function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

// CLIENT-07 RFC 7517 §5: public RSA signing keys only, RS256, 2048 bits or more, customer-chosen kid.
const clientJwk = z
  .object({
    kty: z.literal('RSA', { message: 'must be "RSA" (CLIENT-07)' }),
    alg: z.literal('RS256', { message: 'must be "RS256" (CLIENT-07)' }),
    use: z.literal('sig', { message: 'must be "sig" (CLIENT-07)' }),
    kid: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, { message: 'must be 1-100 characters of A-Z a-z 0-9 . _ - (CLIENT-07)' }),
    n: z
      .string()
      .regex(base64url, { message: 'must be base64url' })
      .refine((n) => modulusBits(n) >= 2048, { message: 'must be an RSA modulus of at least 2048 bits (CLIENT-07)' }),
    e: z.string().regex(base64url, { message: 'must be base64url' }),
    // CLIENT-07: a certificate chain locks the client to the leaf certificate (checked at use).
    x5c: z
      .array(z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'must be base64 DER (RFC 7517 §4.7)' }))
      .min(1, { message: 'must hold at least the certificate of this key (RFC 7517 §4.7)' })
      .max(10, { message: 'must hold at most 10 certificates' })
      .optional(),
    // CLIENT-07: when the key was uploaded; it expires one year later.
    created: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time (CLIENT-07)' }).optional(),
  })
  .catchall(z.unknown())
  .superRefine((jwk, ctx) => {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      if (member in jwk) ctx.addIssue({ code: 'custom', path: [member], message: 'is private key material: register only the public key' });
    }
  });

const lifetime = (fallback: number, max: number) =>
  z
    .number({ message: 'must be a number of seconds' })
    .int({ message: 'must be a whole number of seconds' })
    .min(1, { message: 'must be at least 1 second' })
    .max(max, { message: `must be at most ${max} seconds` })
    .default(fallback);

const uriList = z.array(z.string({ message: 'must be a string' }));

/** AUTHZ-24: an `onbehalfof` value as a request carries it: bounded, printable, no spaces. */
export const onBehalfOfIdPattern = /^[\x21-\x7e]{1,100}$/;

// AUTHZ-24: a sub-identity of the client (docs/interface.md, "onbehalfof"): its id, the name shown
// instead of the client's, and its organisation.
export const onBehalfOfEntry = z.strictObject({
  onbehalfof: z.string().regex(onBehalfOfIdPattern, { message: 'must be 1-100 printable ASCII characters without spaces (AUTHZ-24)' }),
  name: z.string().trim().min(1, { message: 'must not be empty' }).max(200),
  orgno,
  description: z.string().max(1000).optional(),
});

const implementedIntegrationTypes = ['idporten', 'api_klient', 'maskinporten'] as const;
const knownIntegrationTypes = ['idporten', 'api_klient', 'ansattporten', 'maskinporten', 'krr', 'eformidling'];

// CLIENT-01 RFC 7591 §2: the record fields; strict, so an unknown (mistyped) field is refused.
const recordSchema = z.strictObject({
  // RFC 6749 Appendix A.1: client-id = *VSCHAR (%x20-7E), spaces included; not blank.
  client_id: z.string().regex(/^[\x20-\x7e]{1,200}$/, { message: 'must be 1-200 printable ASCII characters (RFC 6749 Appendix A.1)' }).refine((id) => id.trim() !== '', { message: 'must not be blank' }),
  client_secret: z.string().min(32, { message: 'must be at least 32 characters (CLIENT-06)' }).max(512).optional(),
  /** RFC 7591 §3.2.1: seconds since the epoch, 0 = never. TOKEN-05 refuses an expired secret. */
  client_secret_expires_at: z.number().int().min(0).optional(),
  client_orgno: orgno,
  supplier_orgno: orgno.optional(),
  client_name: z.string().trim().min(1, { message: 'must not be empty' }).max(200),
  description: z.string().max(1000).optional(),
  // RFC 7591 §2: the URL of a web page; only http(s), so that it is always safe to link to.
  client_uri: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
  logo: z
    .string()
    .max(100_000, { message: 'must be at most 100000 characters (CLIENT-01)' })
    .superRefine((logo, ctx) => {
      for (const message of logoProblems(logo)) ctx.addIssue({ code: 'custom', message });
    })
    .optional(),
  // CLIENT-02: one of the integration types this provider implements.
  integration_type: z.string().superRefine((value, ctx) => {
    if ((implementedIntegrationTypes as readonly string[]).includes(value)) return;
    ctx.addIssue({
      code: 'custom',
      message: knownIntegrationTypes.includes(value)
        ? `"${value}" is not supported by this provider; use idporten, api_klient or maskinporten (CLIENT-02)`
        : 'must be idporten, api_klient or maskinporten (CLIENT-02)',
    });
  }),
  application_type: z.enum(['web', 'browser', 'native'], { message: 'must be web, browser or native (CLIENT-03)' }).default('web'),
  // The defaults of these five depend on integration_type (clientRecordSchema below).
  token_endpoint_auth_method: z
    .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'], {
      message: 'must be client_secret_basic, client_secret_post, private_key_jwt or none (CLIENT-03)',
    })
    .optional(),
  grant_types: z
    .array(z.enum(['authorization_code', 'refresh_token', JWT_BEARER_GRANT], { message: `must be authorization_code, refresh_token or ${JWT_BEARER_GRANT} (CLIENT-03)` }))
    .min(1, { message: 'must not be empty' })
    .optional(),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, { message: 'must be a scope token (RFC 6749 §3.3)' })).optional(),
  redirect_uris: uriList.max(50).optional(),
  post_logout_redirect_uris: uriList.max(50).optional(),
  frontchannel_logout_uri: z.string().optional(),
  frontchannel_logout_session_required: z.boolean().default(false),
  authorization_lifetime: lifetime(7200, 31_536_000),
  access_token_lifetime: lifetime(120, 86_400),
  refresh_token_lifetime: lifetime(600, 31_536_000),
  refresh_token_usage: z.enum(['ONETIME', 'REUSE'], { message: 'must be ONETIME or REUSE (CLIENT-13)' }).default('ONETIME'),
  // CLIENT-14: opting out of the common SSO session (SSO-08) is per client and off by default.
  sso_disabled: z.boolean().default(false),
  code_challenge_method: z.enum(['S256', 'none'], { message: 'must be S256 or none (CLIENT-15)' }).default('S256'),
  require_pushed_authorization_requests: z.boolean().default(false),
  // IDT-04, DISC-02 (OIDC Core §8, OIDC Registration §2): pairwise unless the client asks for public.
  subject_type: z.enum(['pairwise', 'public'], { message: 'must be pairwise or public (IDT-04)' }).default('pairwise'),
  jwks: z
    .strictObject({ keys: z.array(clientJwk).min(1, { message: 'must hold 1 to 5 keys (CLIENT-07)' }).max(5, { message: 'must hold 1 to 5 keys (CLIENT-07)' }) })
    .optional(),
  // CLIENT-01, AUTHZ-24: the sub-identities a client acts on behalf of (edited through the
  // administration API); a request selects one with onbehalfof=<id>, and the id_token of such a
  // login names it (client_onbehalfof).
  onbehalfof: z.array(onBehalfOfEntry).max(100, { message: 'must hold at most 100 entries' }).optional(),
  active: z.boolean().default(true),
  created: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  last_updated: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});

/** The record's fields as a caller writes them (for the administration API's OpenAPI schemas). */
export const clientRecordFields = recordSchema;

/**
 * The client record with the defaults of its integration type: a login client authenticates
 * with client_secret_basic and uses the code grant for openid and profile; a machine client
 * (maskinporten) uses private_key_jwt and the JWT-bearer grant (TOKEN-21), and has no URIs.
 */
export const clientRecordSchema = recordSchema.transform((record) => {
  const machine = record.integration_type === 'maskinporten';
  return {
    ...record,
    token_endpoint_auth_method: record.token_endpoint_auth_method ?? defaultAuthMethod(record.integration_type),
    grant_types: record.grant_types ?? (machine ? [JWT_BEARER_GRANT] : ['authorization_code']),
    scopes: record.scopes ?? (machine ? [] : ['openid', 'profile']),
    redirect_uris: record.redirect_uris ?? [],
    post_logout_redirect_uris: record.post_logout_redirect_uris ?? [],
  };
});

export type ClientRecord = z.output<typeof clientRecordSchema>;

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/** The token_endpoint_auth_method a record gets when it names none. */
export function defaultAuthMethod(integrationType: unknown): 'private_key_jwt' | 'client_secret_basic' {
  return integrationType === 'maskinporten' ? 'private_key_jwt' : 'client_secret_basic';
}

/** CLIENT-06: the methods that authenticate with a client_secret. */
export const usesSecret = (method: string): boolean => method === 'client_secret_basic' || method === 'client_secret_post';

/** The cross-field rules of profile §12 for one record that already has the right shape. */
export function checkClientRules(record: ClientRecord, mode: Mode, scopes: ScopeRegistry): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  const method = record.token_endpoint_auth_method;
  const isWeb = record.application_type === 'web';
  const machine = record.integration_type === 'maskinporten';

  if (machine) {
    // CLIENT-03, CLIENT-04, TOKEN-21: a machine client is a web client that authenticates with a
    // key or a business certificate, never a static secret, and only uses the JWT-bearer grant.
    if (!isWeb) add(['application_type'], 'must be web for integration_type maskinporten (CLIENT-03)');
    if (method !== 'private_key_jwt') add(['token_endpoint_auth_method'], 'must be private_key_jwt for integration_type maskinporten: machine clients never use a static secret (CLIENT-03, CLIENT-04)');
    record.grant_types.forEach((grant, i) => {
      if (grant !== JWT_BEARER_GRANT) add(['grant_types', i], `must be only ${JWT_BEARER_GRANT} for integration_type maskinporten (CLIENT-03)`);
    });
  } else {
    // CLIENT-03: web clients authenticate with a secret or a key; browser and native clients are public.
    if (isWeb && method === 'none') add(['token_endpoint_auth_method'], 'must not be none for a web client (CLIENT-03, CLIENT-04)');
    if (!isWeb && method !== 'none') add(['token_endpoint_auth_method'], `must be none for a ${record.application_type} client (CLIENT-03, CLIENT-04)`);
    if (!record.grant_types.includes('authorization_code')) add(['grant_types'], 'must include authorization_code (CLIENT-03)');
    record.grant_types.forEach((grant, i) => {
      if (grant === JWT_BEARER_GRANT) add(['grant_types', i], 'is only for integration_type maskinporten (CLIENT-03, TOKEN-21)');
    });
  }
  if (new Set(record.grant_types).size !== record.grant_types.length) add(['grant_types'], 'must not repeat a value');
  // AUTHZ-24: a request names one sub-identity by its id, so ids are unique within the client.
  record.onbehalfof?.forEach((entry, i) => {
    if (record.onbehalfof!.findIndex((other) => other.onbehalfof === entry.onbehalfof) !== i) add(['onbehalfof', i, 'onbehalfof'], 'must be unique within the client (AUTHZ-24)');
  });

  // CLIENT-06: a secret belongs to the secret methods and only to them.
  if (usesSecret(method) && !record.client_secret) add(['client_secret'], `is required for ${method} (CLIENT-06)`);
  if (!usesSecret(method) && record.client_secret) add(['client_secret'], `must not be set for ${method} (CLIENT-06)`);

  // CLIENT-07, TOKEN-08: a private_key_jwt client registers keys, or (without jwks) authenticates
  // with a business certificate; nobody else may have keys.
  if (method !== 'private_key_jwt' && record.jwks) add(['jwks'], 'is only for private_key_jwt clients (CLIENT-07)');
  record.jwks?.keys.forEach((key, i) => {
    if (record.jwks!.keys.findIndex((other) => other.kid === key.kid) !== i) add(['jwks', 'keys', i, 'kid'], 'must be unique (CLIENT-07)');
    // CLIENT-07 RFC 7517 §4.7: the first certificate of x5c certifies this very key.
    if (key.x5c) {
      const problem = x5cProblem(key.x5c[0]!, key.n, key.e);
      if (problem) add(['jwks', 'keys', i, 'x5c'], problem);
    }
  });

  // AUTHZ-06, CLIENT-03: idporten clients get exactly openid and profile; api_klient adds API
  // scopes; maskinporten holds API scopes only.
  const held = new Set(record.scopes);
  if (held.size !== record.scopes.length) add(['scopes'], 'must not repeat a scope');
  if (record.integration_type === 'idporten' && (held.size !== 2 || !held.has('openid') || !held.has('profile'))) {
    add(['scopes'], 'must be exactly openid and profile for integration_type idporten (AUTHZ-06, CLIENT-03)');
  }
  if (record.integration_type === 'api_klient' && (!held.has('openid') || !held.has('profile'))) {
    add(['scopes'], 'must include openid and profile for integration_type api_klient (AUTHZ-06, CLIENT-03)');
  }
  if (machine && held.size === 0) add(['scopes'], 'must list at least one API scope for integration_type maskinporten (CLIENT-03)');
  // CLIENT-16: every scope exists, is active, allows this integration type and is open to this
  // organisation (idporten clients' two scopes always are).
  if (record.integration_type !== 'idporten') {
    record.scopes.forEach((scope, i) => {
      const refusal = scopeRefusal(scope, record, scopes);
      if (refusal) add(['scopes', i], refusal);
    });
  }

  if (machine) {
    // CLIENT-03: a machine client has no browser, so nothing to redirect or log out.
    if (record.redirect_uris.length > 0) add(['redirect_uris'], 'must not be set for integration_type maskinporten (CLIENT-03)');
    if (record.post_logout_redirect_uris.length > 0) add(['post_logout_redirect_uris'], 'must not be set for integration_type maskinporten (CLIENT-03)');
    if (record.frontchannel_logout_uri !== undefined) add(['frontchannel_logout_uri'], 'must not be set for integration_type maskinporten (CLIENT-03)');
    return issues;
  }
  if (record.redirect_uris.length === 0) add(['redirect_uris'], 'must list at least one URI (CLIENT-08)');
  if (record.post_logout_redirect_uris.length === 0) add(['post_logout_redirect_uris'], 'must list at least one URI (CLIENT-10)');

  // CLIENT-08, CLIENT-09: redirect URIs by application type and mode.
  record.redirect_uris.forEach((uri, i) => {
    for (const problem of checkRedirectUri(uri, record.application_type, mode)) add(['redirect_uris', i], problem);
    if (record.redirect_uris.indexOf(uri) !== i) add(['redirect_uris', i], 'is listed twice');
  });
  // CLIENT-10 RPIL §3.1: post-logout URIs follow the same rules.
  record.post_logout_redirect_uris.forEach((uri, i) => {
    for (const problem of checkRedirectUri(uri, record.application_type, mode)) add(['post_logout_redirect_uris', i], problem.replace('CLIENT-08', 'CLIENT-10'));
    if (record.post_logout_redirect_uris.indexOf(uri) !== i) add(['post_logout_redirect_uris', i], 'is listed twice');
    // LOGOUT-04 matches these exactly, so the any-port loopback form could never match.
    if (anyPortLoopback.test(uri)) add(['post_logout_redirect_uris', i], 'must name a real port: post-logout URIs are matched exactly (CLIENT-10)');
  });
  // CLIENT-11 FCL §2.
  if (record.frontchannel_logout_uri !== undefined) {
    for (const problem of checkFrontchannelLogoutUri(record.frontchannel_logout_uri, record.redirect_uris, mode)) {
      add(['frontchannel_logout_uri'], problem);
    }
  }

  // CLIENT-13: public clients always rotate refresh tokens.
  if (!isWeb && record.refresh_token_usage === 'REUSE') add(['refresh_token_usage'], 'must be ONETIME for a public client (CLIENT-13)');
  // CLIENT-15 RFC 7636: the PKCE downgrade is an opt-out for confidential web clients only.
  if (record.code_challenge_method === 'none' && (!isWeb || method === 'none')) {
    add(['code_challenge_method'], 'may be none only for a confidential web client (CLIENT-15, TOKEN-09)');
  }
  return issues;
}

/** CLIENT-07 RFC 7517 §4.7: why x5c[0] does not certify the RSA key (n, e), or undefined. */
function x5cProblem(base64Der: string, n: string, e: string): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(base64Der, 'base64'));
  } catch {
    return 'x5c[0] is not a DER certificate (RFC 7517 §4.7)';
  }
  let same: boolean;
  try {
    const certified = certificate.publicKey.export({ format: 'jwk' });
    const registered = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' }).export({ format: 'jwk' });
    same = certified.n === registered.n && certified.e === registered.e;
  } catch {
    same = false;
  }
  return same ? undefined : 'x5c[0] certifies a different key than n and e (RFC 7517 §4.7, CLIENT-07)';
}

/** CLIENT-12: not an error, but worth a line in the start-up log. */
export function lifetimeWarnings(record: ClientRecord): string[] {
  const { access_token_lifetime: access, refresh_token_lifetime: refresh, authorization_lifetime: authorization } = record;
  if (access < refresh && refresh <= authorization) return [];
  return [
    `client ${JSON.stringify(record.client_id)}: lifetimes should satisfy access_token_lifetime < refresh_token_lifetime <= authorization_lifetime (CLIENT-12); got ${access} / ${refresh} / ${authorization}`,
  ];
}
