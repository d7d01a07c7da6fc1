// An external eID behind an upstream OpenID Provider (AUTHN-01, AUTHN-02): the user is sent to
// the upstream with the code flow, PKCE (S256) and — when the upstream offers it — a pushed
// authorization request (RFC 9126), authenticating as a client with private_key_jwt or a secret;
// its id_token is validated by openid-client (signature by the upstream's JWKS, iss, aud, exp,
// nonce; RFC 9207 iss on the response), and its claims are mapped by configuration to pid, acr
// (a level mapping table) and amr. This is how a provider in front of a real eID — or of ID-porten
// itself — logs users in. Secrets and tokens never reach a log or an error description.
import { importJWK, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { Mode } from '../config.js';
import { acrRank, isEidasLevel, meetsRequirement, type Acr } from '../protocol/acr.js';
import { isAcceptedForMode, parseIdentityNumber } from '../protocol/national-identity-number.js';
import type { EidasAttributes } from '../protocol/tokens.js';
import { offeredLevels, type AuthenticationOutcome, type Authenticator, type AuthenticatorScale, type CompletionInput, type StartContext } from './authenticator.js';

/** The upstream's client registration and the claim mapping (config.ts validates the variables). */
export interface UpstreamSettings {
  issuer: string;
  clientId: string;
  /** client_secret_basic / client_secret_post with `clientSecret`, or private_key_jwt with `privateKey` (a private JWK). */
  clientAuth: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  clientSecret?: string | undefined;
  privateKey?: Readonly<Record<string, unknown>> | undefined;
  scope: string;
  /** Shown on the selector's button. */
  name: string;
  /** The id_token claim that holds the national identity number. */
  pidClaim: string;
  /** The upstream's acr value → our level (AUTHN-02). Its values are the levels this eID can give. */
  acrMap: ReadonlyMap<string, Acr>;
  /** Fixed amr values; unset: the upstream's `amr` claim is passed on. */
  amr?: readonly string[] | undefined;
}

export type UpstreamProblem = 'upstream-response' | 'upstream-denied' | 'upstream-acr' | 'upstream-pid' | 'upstream-amr' | 'upstream-eidas' | 'upstream-unavailable';

const eidasClaims = ['eidas_identifier', 'eidas_firstname', 'eidas_lastname', 'eidas_date_of_birth'] as const;
const amrValue = /^[\x21-\x7e][\x20-\x7e]{0,62}$/;

export function upstreamAuthenticator(settings: UpstreamSettings, mode: Mode): Authenticator {
  // Weakest first, so that the weakest level meeting a request is what the upstream is asked for.
  const levels = [...new Set(settings.acrMap.values())].sort((a, b) => acrRank(a) - acrRank(b));
  // One scale per eID: the mapping table's (config.ts refuses a table that mixes them).
  const scale: AuthenticatorScale = levels.some(isEidasLevel) ? 'eidas' : 'idporten';
  // ENV-03: plain http to the upstream only in test mode (a second local instance in tests).
  const insecure = mode === 'test' && settings.issuer.startsWith('http:');
  let configuration: Promise<oidc.Configuration> | undefined;

  const configure = (): Promise<oidc.Configuration> => {
    // Discovery once; a failure is retried at the next login rather than remembered.
    configuration ??= (async () => {
      const auth =
        settings.clientAuth === 'private_key_jwt'
          ? oidc.PrivateKeyJwt({ key: (await importJWK(settings.privateKey as JWK, 'RS256')) as never, kid: settings.privateKey?.kid as string })
          : settings.clientAuth === 'client_secret_post'
            ? oidc.ClientSecretPost(settings.clientSecret!)
            : oidc.ClientSecretBasic(settings.clientSecret!);
      return oidc.discovery(new URL(settings.issuer), settings.clientId, { id_token_signed_response_alg: 'RS256' }, auth, {
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 10,
      });
    })().catch((error: unknown) => {
      configuration = undefined;
      throw error;
    });
    return configuration;
  };

  /** The upstream acr value that asks for our weakest level that meets the request. */
  const upstreamAcrFor = (wanted: Acr | undefined): string | undefined => {
    if (wanted === undefined) return undefined;
    for (const [upstream, ours] of settings.acrMap) if (ours === wanted) return upstream;
    return undefined;
  };

  const self: Authenticator = {
    id: 'upstream',
    scale,
    levels,
    amr: settings.amr ?? [],
    displayName: settings.name,
    async start(context: StartContext) {
      const config = await configure();
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = `${context.interactionId}.${oidc.randomState()}`;
      const acrValues = upstreamAcrFor(offeredLevels(self, context.requirement)[0]);
      const parameters: Record<string, string> = {
        redirect_uri: context.callbackUrl,
        scope: settings.scope,
        // PKCE S256 (RFC 7636), always.
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ui_locales: context.locale,
        ...(acrValues !== undefined ? { acr_values: acrValues } : {}),
        ...(context.forceLogin ? { prompt: 'login' } : {}),
      };
      // RFC 9126: PAR when the upstream offers it.
      const url = config.serverMetadata().pushed_authorization_request_endpoint
        ? await oidc.buildAuthorizationUrlWithPAR(config, parameters)
        : oidc.buildAuthorizationUrl(config, parameters);
      return { kind: 'redirect', url: url.href, pending: { verifier, nonce, state } };
    },
    async complete(input: CompletionInput): Promise<AuthenticationOutcome> {
      const fail = (problem: UpstreamProblem): AuthenticationOutcome => ({ ok: false, problem });
      const { callback, pending } = input;
      if (!callback || !pending?.verifier || !pending.state || !pending.nonce) return fail('upstream-response');
      // AUTHZ-26 (RFC 6749 §4.1.2.1): the user cancelled at the eID: access_denied for the client.
      if (callback.searchParams.get('error') === 'access_denied') return fail('upstream-denied');
      let claims: oidc.IDToken;
      try {
        const config = await configure();
        const tokens = await oidc.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims()!;
      } catch (error) {
        // A network failure is the upstream's absence; anything else is a bad answer.
        const unreachable = error instanceof TypeError || (error as { code?: string }).code === 'OAUTH_TIMEOUT';
        return fail(unreachable ? 'upstream-unavailable' : 'upstream-response');
      }
      // AUTHN-02, AUTHZ-11: the upstream's level through the mapping table; it must meet the request on its scale.
      const mapped = typeof claims.acr === 'string' ? settings.acrMap.get(claims.acr) : undefined;
      if (mapped === undefined || !meetsRequirement(mapped, input.requirement)) return fail('upstream-acr');
      const amr = settings.amr ? [...settings.amr] : Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string' && amrValue.test(v)).slice(0, 10) : [];
      if (amr.length === 0) return fail('upstream-amr');
      const raw = claims[settings.pidClaim];
      let pid: string | undefined;
      if (raw !== undefined) {
        const parsed = typeof raw === 'string' ? parseIdentityNumber(raw) : undefined;
        // AUTHN-04…06, ENV-03: a real number in prod, a synthetic one in test mode.
        if (!parsed?.ok || !isAcceptedForMode(parsed.kind, mode)) return fail('upstream-pid');
        pid = raw as string;
      }
      let eidas: EidasAttributes | undefined;
      if (isEidasLevel(mapped)) {
        // IDT-11: an eIDAS login carries the four attributes.
        const values = eidasClaims.map((name) => claims[name]);
        if (!values.every((value) => typeof value === 'string' && value.length > 0 && value.length <= 256)) return fail('upstream-eidas');
        eidas = Object.fromEntries(eidasClaims.map((name, i) => [name, values[i]])) as unknown as EidasAttributes;
      } else if (pid === undefined) {
        // IDT-05: a national-level login carries a Norwegian number; only eIDAS may lack one.
        return fail('upstream-pid');
      }
      return { ok: true, result: { ...(pid !== undefined ? { pid } : {}), ...(eidas ? { eidas } : {}), acr: mapped, amr } };
    },
  };
  return self;
}
