// Consent as a use case (AUTHZ-14, AUTHZ-26, AUTHZ-27, SSO-04): once the user is known (a login,
// or an SSO answer), a request with scopes registered as requires_user_consent gets the code only
// with the user's consent: remembered per person, client and scope set until the grant ends, or
// asked on the consent page (the `consent` stage of flows/interactions.ts). Clients whose scopes
// need no consent never reach this module's store reads.
import type { Locale } from '../i18n/locale.js';
import { successParameters } from '../protocol/authorization-response.js';
import { targetOf, type AuthorizationRequest } from '../protocol/authorize/request.js';
import { consentDeclined, consentId, decideConsent, type ConsentDecision } from '../protocol/consent.js';
import { cappedGrantLifetime, scopePolicy } from '../protocol/scope-policy.js';
import { pairwiseSubject, personKey, type AuthenticatedSubject } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import type { AuthorizationResponse } from './authorization-response.js';
import type { RegisteredScope } from '../registry/scope-registry.js';
import { issueCodeOps } from './code-issuance.js';
import { checkCsrf, expiredInteraction, interactionLifetimeLeft, type ConsentInteraction } from './interactions.js';
import { refuse } from './refusal.js';
import { audit, type FlowContext, type Services } from './services.js';

/** AUTHZ-27: the requested scopes that need the user's consent (none for most clients). */
export const consentScopes = (services: Services, request: AuthorizationRequest): readonly RegisteredScope[] => scopePolicy(request.scope, services.scopes).consent;

/** The store key of this person's consent to these scopes for this client. */
const consentIdOf = (services: Services, client: RegisteredClient, subject: Pick<AuthenticatedSubject, 'pid'>, scopes: readonly RegisteredScope[]): string =>
  consentId(client.client_id, pairwiseSubject(services.config.pairwiseSecret, client.client_id, personKey(subject)), scopes.map((scope) => scope.name));

/**
 * AUTHZ-14, AUTHZ-27: whether the known user's consent is granted (remembered), must be asked,
 * or is missing under prompt=none. One store read, skipped under prompt=consent (always asks).
 */
export async function checkConsent(services: Services, client: RegisteredClient, request: AuthorizationRequest, subject: Pick<AuthenticatedSubject, 'pid'>, scopes: readonly RegisteredScope[]): Promise<ConsentDecision> {
  const remembered = request.prompt.includes('consent') ? null : await services.consents.find(consentIdOf(services, client, subject, scopes));
  return decideConsent(request.prompt, remembered !== null);
}

/** What the consent page shows (views/consent-page.ts renders it). */
export interface ConsentPage {
  interaction: ConsentInteraction;
  client: RegisteredClient;
  locale: Locale;
  /** AUTHZ-27: each scope's description (and long_description), read from the registry now. */
  scopes: readonly RegisteredScope[];
}

export function consentPage(services: Services, interaction: ConsentInteraction, client: RegisteredClient, locale: Locale): ConsentPage {
  return { interaction, client, locale, scopes: consentScopes(services, interaction.request) };
}

export type ConsentOutcome =
  /** The page again, for an unknown action. */
  | { kind: 'page'; page: ConsentPage; status: 400 }
  /** The authorization response: a code (accepted) or access_denied (declined). */
  | { kind: 'respond'; response: AuthorizationResponse };

/** POST of the consent page: accept (remember, issue the code) or decline (access_denied). */
export async function submitConsent(services: Services, flow: FlowContext, interaction: ConsentInteraction, client: RegisteredClient, form: Readonly<Record<string, string | undefined>>, locale: Locale): Promise<ConsentOutcome> {
  checkCsrf(interaction, form.csrf);
  const { config, clock, store } = services;
  const { request, subject } = interaction;
  const target = targetOf(request);
  const now = clock();
  if (form.action !== 'accept' && form.action !== 'decline') return { kind: 'page', page: consentPage(services, interaction, client, locale), status: 400 };
  // Single use first: a replayed form (double submit, back button) must not remember or issue twice.
  if (!(await services.interactions.claim(interaction.id, interactionLifetimeLeft(interaction, now)))) throw expiredInteraction();
  const dropStoredRequest = interaction.stored ? services.interactions.deleteRequestOps(interaction.id) : [];
  if (form.action === 'decline') {
    if (dropStoredRequest.length > 0) await store.write(dropStoredRequest);
    // AUTHZ-26 RFC 6749 §4.1.2.1: the user declined the consent (ERR-06: logged as a refusal).
    return { kind: 'respond', response: refuse(flow, client, target, consentDeclined(), config.issuer, locale) };
  }
  // AUTHZ-27: the answer is remembered until the grant ends: its lifetime, and its revocation.
  const policy = scopePolicy(request.scope, services.scopes);
  const { code, grantId, ops } = issueCodeOps(services, client, request, subject, { created_at: interaction.session_created_at }, now);
  const remember = services.consents.rememberOps(
    consentIdOf(services, client, subject, policy.consent),
    { scopes: policy.consent.map((scope) => scope.name), granted_at: now, grant_id: grantId },
    cappedGrantLifetime(client.authorization_lifetime, policy) * 1000,
  );
  await store.write([...ops, ...remember, ...dropStoredRequest]);
  audit(services, flow, { event: 'consent_given', client_id: client.client_id, sid: subject.sid, grant_id: grantId });
  return { kind: 'respond', response: { target, parameters: successParameters(code, target, config.issuer), locale } };
}
