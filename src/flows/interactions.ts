// A pending login (an "interaction"): the validated authorization request, sealed with AES-GCM
// into a cookie bound to this browser, so showing the login page costs no store round trip. The
// login form's CSRF token must match the one sealed inside; the store remembers that an
// interaction was completed (store/interactions.ts). A request too large for a cookie (long
// state, nonce and resource values) is kept in the store instead, and the cookie carries the rest.
import { timingSafeEqual } from 'node:crypto';
import { OAuthError } from '../errors.js';
import type { AuthorizationRequest } from '../protocol/authorize/request.js';
import { newId } from '../protocol/identifiers.js';
import type { WriteOp } from '../store/store.js';
import type { Services } from './services.js';

/** How long a user may take on the login page (choice). */
export const interactionLifetimeMs = 15 * 60_000;

export interface Interaction {
  id: string;
  request: AuthorizationRequest;
  /** Compared in constant time with the login form's hidden field. */
  csrf: string;
  expires_at: number;
  /** The request is kept in the store, not in the cookie (a large request). */
  stored?: boolean;
}

/** What the cookie carries: the whole interaction, or all but a request kept in the store. */
type SealedInteraction = Omit<Interaction, 'request' | 'stored'> & { request?: AuthorizationRequest };

/**
 * A browser keeps at least 4096 bytes per cookie, name and attributes included (RFC 6265 §6.1),
 * and no more is safe; a sealed value beyond this leaves room for `op_ix=` and the attributes.
 */
export const maxSealedInteractionLength = 3500;

/**
 * A new interaction for `request`, its sealed cookie value, and the writes that keep its request
 * in the store when it would make the cookie too large (none for an ordinary request).
 */
export function startInteraction(services: Services, request: AuthorizationRequest, nowMs: number): { interaction: Interaction; sealed: string; ops: WriteOp[] } {
  const interaction: Interaction = { id: newId(), request, csrf: newId(), expires_at: nowMs + interactionLifetimeMs };
  const sealed = services.interactionSealer.seal(interaction, interaction.id);
  if (sealed.length <= maxSealedInteractionLength) return { interaction, sealed, ops: [] };
  const { request: _kept, ...reference } = interaction;
  return {
    interaction: { ...interaction, stored: true },
    sealed: services.interactionSealer.seal(reference satisfies SealedInteraction, interaction.id),
    ops: services.interactions.saveRequestOps(interaction.id, request, interactionLifetimeMs),
  };
}

export const expiredInteraction = () =>
  new OAuthError('invalid_request', 'The login has expired or was already completed; start again from the service', { mayRedirect: false });

/** The interaction sealed for this id and this browser, still pending; else the error page. */
export async function openInteraction(services: Services, interactionId: string, sealed: string | undefined): Promise<Interaction> {
  const found = services.interactionSealer.unseal<SealedInteraction>(sealed, interactionId);
  if (!found || found.id !== interactionId || found.expires_at <= services.clock()) throw expiredInteraction();
  if (found.request) return found as Interaction;
  const request = await services.interactions.findRequest(interactionId);
  if (!request) throw expiredInteraction();
  return { ...found, request, stored: true };
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
