// A pending authorization that needs the user (an "interaction"): a small state machine whose
// stages are pages under /login/<id>. `authenticate` (the authenticator's page, AUTHN-01) leads to
// the code, or to `consent` (AUTHZ-27) when a scope needs the user's answer; an SSO answer that
// needs consent starts at `consent`. A later stage in front (an eID selector) fits the same way.
//
// Each stage is its own interaction: the validated request (and, from `consent` on, the
// authenticated subject) sealed with AES-GCM into a cookie bound to this browser and to the
// interaction's id, so showing a page costs no store round trip. The page's CSRF token must match
// the one sealed inside; the store only remembers that an interaction was completed
// (store/interactions.ts), so each stage can be completed once.
import { timingSafeEqual } from 'node:crypto';
import { OAuthError } from '../errors.js';
import type { AuthorizationRequest } from '../protocol/authorize/request.js';
import { newId } from '../protocol/identifiers.js';
import type { AuthenticatedSubject } from '../protocol/tokens.js';
import type { Services } from './services.js';

/** How long a user may take on one page (choice). */
export const interactionLifetimeMs = 15 * 60_000;

export type InteractionStage = 'authenticate' | 'consent';

interface InteractionBase {
  id: string;
  request: AuthorizationRequest;
  /** Compared in constant time with the page form's hidden field. */
  csrf: string;
  expires_at: number;
}

/** AUTHN-01: the user still has to authenticate. */
export interface AuthenticateInteraction extends InteractionBase {
  stage: 'authenticate';
}

/** AUTHZ-27: the user is known and must answer the consent page. */
export interface ConsentInteraction extends InteractionBase {
  stage: 'consent';
  subject: AuthenticatedSubject;
  /** ms: when the browser session began (SSO-10: how long the session's participant list lives). */
  session_created_at: number;
}

export type Interaction = AuthenticateInteraction | ConsentInteraction;

/** The next page of an interaction: its id, its sealed cookie value, and how long it lasts. */
export interface PendingInteraction {
  interactionId: string;
  sealedInteraction: string;
  lifetimeMs: number;
}

function seal(services: Services, interaction: Interaction, nowMs: number): PendingInteraction {
  return { interactionId: interaction.id, sealedInteraction: services.interactionSealer.seal(interaction, interaction.id), lifetimeMs: interaction.expires_at - nowMs };
}

/** The first stage: authenticate. */
export function startInteraction(services: Services, request: AuthorizationRequest, nowMs: number): PendingInteraction {
  return seal(services, { stage: 'authenticate', id: newId(), request, csrf: newId(), expires_at: nowMs + interactionLifetimeMs }, nowMs);
}

/** AUTHZ-27: the consent stage, after a login or for an SSO answer; a new id, so it is completed once too. */
export function startConsent(services: Services, request: AuthorizationRequest, subject: AuthenticatedSubject, sessionCreatedAt: number, nowMs: number): PendingInteraction {
  return seal(services, { stage: 'consent', id: newId(), request, csrf: newId(), expires_at: nowMs + interactionLifetimeMs, subject, session_created_at: sessionCreatedAt }, nowMs);
}

export const expiredInteraction = () =>
  new OAuthError('invalid_request', 'The login has expired or was already completed; start again from the service', { mayRedirect: false });

/** The interaction sealed for this id and this browser, still pending; else the error page. */
export function openInteraction(services: Services, interactionId: string, sealed: string | undefined): Interaction {
  const opened = services.interactionSealer.unseal<Omit<Interaction, 'stage'> & { stage?: InteractionStage }>(sealed, interactionId);
  if (!opened || opened.id !== interactionId || opened.expires_at <= services.clock()) throw expiredInteraction();
  // A cookie sealed before stages existed is an authentication.
  return (opened.stage === undefined ? { ...opened, stage: 'authenticate' } : opened) as Interaction;
}

/** CSRF: the form's hidden field must equal the token sealed in this browser's cookie. */
export function checkCsrf(interaction: Interaction, presented: string | undefined): void {
  const x = Buffer.from(presented ?? '');
  const y = Buffer.from(interaction.csrf);
  if (x.length !== y.length || !timingSafeEqual(x, y)) {
    throw new OAuthError('invalid_request', 'The login form is not valid for this login; start again from the service', { mayRedirect: false });
  }
}

/** How long the single-use marker must be kept: until the interaction has expired anyway. */
export const interactionLifetimeLeft = (interaction: Interaction, nowMs: number): number => Math.max(1000, interaction.expires_at - nowMs);
