// A pending login (an "interaction"): the validated authorization request, sealed with AES-GCM
// into a cookie bound to this browser, so showing the login page costs no store round trip. The
// login form's CSRF token must match the one sealed inside; the store only remembers that an
// interaction was completed (store/interactions.ts).
import { timingSafeEqual } from 'node:crypto';
import { OAuthError } from '../errors.js';
import type { AuthorizationRequest } from '../protocol/authorize/request.js';
import { newId } from '../protocol/identifiers.js';
import type { Services } from './services.js';

/** How long a user may take on the login page (choice). */
export const interactionLifetimeMs = 15 * 60_000;

export interface Interaction {
  id: string;
  request: AuthorizationRequest;
  /** Compared in constant time with the login form's hidden field. */
  csrf: string;
  expires_at: number;
}

/** A new interaction for `request`, and its sealed cookie value. */
export function startInteraction(services: Services, request: AuthorizationRequest, nowMs: number): { interaction: Interaction; sealed: string } {
  const interaction: Interaction = { id: newId(), request, csrf: newId(), expires_at: nowMs + interactionLifetimeMs };
  return { interaction, sealed: services.interactionSealer.seal(interaction, interaction.id) };
}

export const expiredInteraction = () =>
  new OAuthError('invalid_request', 'The login has expired or was already completed; start again from the service', { mayRedirect: false });

/** The interaction sealed for this id and this browser, still pending; else the error page. */
export function openInteraction(services: Services, interactionId: string, sealed: string | undefined): Interaction {
  const interaction = services.interactionSealer.unseal<Interaction>(sealed, interactionId);
  if (!interaction || interaction.id !== interactionId || interaction.expires_at <= services.clock()) throw expiredInteraction();
  return interaction;
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
