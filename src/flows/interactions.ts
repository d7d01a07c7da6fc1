// A pending authorization that needs the user (an "interaction"): a small state machine whose
// stages are pages under /login/<id>. `authenticate` (the authenticator's page, AUTHN-01) leads to
// the code, or to `consent` (AUTHZ-27) when a scope needs the user's answer; an SSO answer that
// needs consent starts at `consent`. A later stage in front (an eID selector) fits the same way.
//
// Each stage is its own interaction: the validated request (and, from `consent` on, the
// authenticated subject) sealed with AES-GCM into a cookie bound to this browser and to the
// interaction's id, so showing a page costs no store round trip. The page's CSRF token must match
// the one sealed inside; the store remembers that an interaction was completed
// (store/interactions.ts), so each stage can be completed once. A request too large for a cookie
// (long state, nonce and resource values) is kept in the store instead, and the cookie carries
// the rest.
import { timingSafeEqual } from 'node:crypto';
import { OAuthError } from '../errors.js';
import type { AuthorizationRequest } from '../protocol/authorize/request.js';
import { newId } from '../protocol/identifiers.js';
import type { AuthenticatedSubject } from '../protocol/tokens.js';
import type { WriteOp } from '../store/store.js';
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
  /** The request is kept in the store, not in the cookie (a large request). */
  stored?: boolean;
}

/** AUTHN-01: the user still has to authenticate. */
export interface AuthenticateInteraction extends InteractionBase {
  stage: 'authenticate';
  /** AUTHN-01: a login begun at an external eID: its method and what its start asked to keep (PKCE verifier, state, nonce). */
  pending?: { method: string; values: Readonly<Record<string, string>> };
}

/** AUTHZ-27: the user is known and must answer the consent page. */
export interface ConsentInteraction extends InteractionBase {
  stage: 'consent';
  subject: AuthenticatedSubject;
  /** ms: when the browser session began (SSO-10: how long the session's participant list lives). */
  session_created_at: number;
}

export type Interaction = AuthenticateInteraction | ConsentInteraction;

/** What the cookie carries: the whole interaction, or all but a request kept in the store. */
type SealedInteraction = Omit<Interaction, 'request' | 'stored'> & { request?: AuthorizationRequest };

/**
 * A browser keeps at least 4096 bytes per cookie, name and attributes included (RFC 6265 §6.1),
 * and no more is safe; a sealed value beyond this leaves room for `op_ix=` and the attributes.
 */
export const maxSealedInteractionLength = 3500;

/** The next page of an interaction: its id, its sealed cookie value, and how long it lasts. */
export interface PendingInteraction {
  interactionId: string;
  sealedInteraction: string;
  lifetimeMs: number;
}

/**
 * The interaction's cookie value, and the writes that keep its request in the store when it would
 * make the cookie too large (none for an ordinary request; the caller bounds how many it makes).
 */
export interface StartedInteraction {
  pending: PendingInteraction;
  ops: WriteOp[];
}

function seal(services: Services, interaction: Interaction, nowMs: number): StartedInteraction {
  const lifetimeMs = interaction.expires_at - nowMs;
  const sealed = services.interactionSealer.seal(interaction, interaction.id);
  if (sealed.length <= maxSealedInteractionLength) return { pending: { interactionId: interaction.id, sealedInteraction: sealed, lifetimeMs }, ops: [] };
  const { request, ...reference } = interaction;
  return {
    pending: { interactionId: interaction.id, sealedInteraction: services.interactionSealer.seal(reference satisfies SealedInteraction, interaction.id), lifetimeMs },
    ops: services.interactions.saveRequestOps(interaction.id, request, lifetimeMs),
  };
}

/** The first stage: authenticate. */
export function startInteraction(services: Services, request: AuthorizationRequest, nowMs: number): StartedInteraction {
  return seal(services, { stage: 'authenticate', id: newId(), request, csrf: newId(), expires_at: nowMs + interactionLifetimeMs }, nowMs);
}

/** AUTHZ-27: the consent stage, after a login or for an SSO answer; a new id, so it is completed once too. */
export function startConsent(services: Services, request: AuthorizationRequest, subject: AuthenticatedSubject, sessionCreatedAt: number, nowMs: number): StartedInteraction {
  return seal(services, { stage: 'consent', id: newId(), request, csrf: newId(), expires_at: nowMs + interactionLifetimeMs, subject, session_created_at: sessionCreatedAt }, nowMs);
}

/** AUTHN-01: the same interaction (same id, same page) remembering a login begun at an external eID. */
export function withPending(services: Services, interaction: AuthenticateInteraction, method: string, values: Readonly<Record<string, string>>, nowMs: number): StartedInteraction {
  const { stored: _stored, ...rest } = interaction;
  return seal(services, { ...rest, pending: { method, values } }, nowMs);
}

/**
 * Keep a started interaction's large request in the store. How many such logins one client may
 * start is bounded, so that floods cannot fill the store.
 */
export async function keepLargeRequest(services: Services, clientId: string, started: StartedInteraction): Promise<PendingInteraction> {
  if (started.ops.length > 0) {
    const limit = services.limits.largeLoginsPerClient;
    const verdict = limit.take(clientId);
    if (!verdict.allowed) throw limit.refusal(verdict, 'Too many large authorization requests for this client; try again later');
    await services.store.write(started.ops);
  }
  return started.pending;
}

export const expiredInteraction = () =>
  new OAuthError('invalid_request', 'The login has expired or was already completed; start again from the service', { mayRedirect: false });

/** The browser sent no interaction cookie: another browser, cookies blocked, or a tool that does not keep cookies. */
const missingInteractionCookie = () =>
  new OAuthError(
    'invalid_request',
    'The login cookie is missing: the login must be finished in the browser that started it, with cookies enabled (a tool such as curl must keep cookies, e.g. -b and -c)',
    { mayRedirect: false },
  );

/** The interaction sealed for this id and this browser, still pending; else the error page. */
export async function openInteraction(services: Services, interactionId: string, sealed: string | undefined): Promise<Interaction> {
  if (sealed === undefined || sealed === '') throw missingInteractionCookie();
  const opened = services.interactionSealer.unseal<Omit<SealedInteraction, 'stage'> & { stage?: InteractionStage }>(sealed, interactionId);
  if (!opened || opened.id !== interactionId || opened.expires_at <= services.clock()) throw expiredInteraction();
  // A cookie sealed before stages existed is an authentication.
  const found = (opened.stage === undefined ? { ...opened, stage: 'authenticate' } : opened) as SealedInteraction;
  if (found.request) return found as Interaction;
  const request = await services.interactions.findRequest(interactionId);
  if (!request) throw expiredInteraction();
  return { ...found, request, stored: true } as Interaction;
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
