// RP-Initiated Logout 1.0 and Front-Channel Logout 1.0 as profiled by LOGOUT-02…08, LOGOUT-12.
// Pure: parameters, the verified hint, the session and the registry in; decisions out.
import type { SigningKeys } from './jws.js';
import type { ClientRegistry, RegisteredClient } from '../registry/client-registry.js';
import { sidsOf, type Participant, type SessionRecord } from './session.js';
import { valueOf, type RawParameters } from './authorize/parameters.js';
import { appendQueryParameters } from './authorization-response.js';
import { verifyOwnJwt } from './jws.js';

/** LOGOUT-02 RPIL §2: every parameter optional; a repeated one counts as absent (ERR-05: no errors). */
export interface LogoutParameters {
  id_token_hint?: string;
  post_logout_redirect_uri?: string;
  state?: string;
  client_id?: string;
  ui_locales?: string;
}

export function parseLogoutParameters(raw: RawParameters): LogoutParameters {
  const out: LogoutParameters = {};
  for (const name of ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'ui_locales'] as const) {
    const value = valueOf(raw, name);
    if (value !== undefined && value.length <= 8192) out[name] = value;
  }
  return out;
}

export interface VerifiedHint {
  client_id: string;
  sid?: string;
}

/**
 * LOGOUT-03 RPIL §2, §4: an id_token we issued — signed by a current or retired key of ours
 * (JWKS-03), our iss, a single aud — whose exp is deliberately ignored. An access token is not
 * an id_token hint.
 */
export async function verifyIdTokenHint(hint: string | undefined, keys: SigningKeys, issuer: string): Promise<VerifiedHint | undefined> {
  if (hint === undefined) return undefined;
  const claims = (await verifyOwnJwt(hint, keys))?.payload;
  if (!claims || claims.iss !== issuer || typeof claims.aud !== 'string' || claims.client_amr !== undefined) return undefined;
  return { client_id: claims.aud, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}) };
}

/** LOGOUT-05 RPIL §3: printable ASCII only; anything else is ignored, not an error. */
export const usableState = (state: string | undefined): string | undefined => (state !== undefined && /^[\x20-\x7E]+$/.test(state) ? state : undefined);

export type RedirectDecision = { redirect: string } | { redirect: undefined; reason: string };

/**
 * LOGOUT-04 RPIL §3, §4: redirect to post_logout_redirect_uri only if ALL hold:
 * (a) an id_token_hint we issued identifies an active client (and client_id, if sent, agrees) —
 *     or, under the flag logoutAcceptClientIdWithoutHint, a client_id names an active client;
 * (b) the browser's session exists — checked before it is ended — and holds the hint's sid when
 *     the hint has one;
 * (c) the URI is exactly one the client registered.
 */
export function decideLogoutRedirect(
  parameters: LogoutParameters,
  hint: VerifiedHint | undefined,
  session: SessionRecord | null,
  registry: ClientRegistry,
  options: { acceptClientIdWithoutHint?: boolean } = {},
): RedirectDecision {
  const uri = parameters.post_logout_redirect_uri;
  if (uri === undefined) return { redirect: undefined, reason: 'no post_logout_redirect_uri' };
  let clientId: string;
  if (hint) {
    // LOGOUT-03: a client_id sent beside the hint must be the hint's audience.
    if (parameters.client_id !== undefined && parameters.client_id !== hint.client_id) return { redirect: undefined, reason: 'client_id differs from the hint (LOGOUT-03)' };
    clientId = hint.client_id;
  } else if (options.acceptClientIdWithoutHint && parameters.client_id !== undefined) {
    // LOGOUT-04 flag logoutAcceptClientIdWithoutHint: client_id stands in for (a).
    clientId = parameters.client_id;
  } else {
    return { redirect: undefined, reason: 'no valid id_token_hint (LOGOUT-04 a)' };
  }
  const client: RegisteredClient | undefined = registry.find(clientId);
  if (!client) return { redirect: undefined, reason: `the ${hint ? 'hint' : 'client_id'} names no active client (LOGOUT-04 a)` };
  if (!session) return { redirect: undefined, reason: 'no session in this browser (LOGOUT-04 b)' };
  if (hint?.sid !== undefined && !sidsOf(session).includes(hint.sid)) return { redirect: undefined, reason: 'the hint belongs to another session (LOGOUT-04 b)' };
  if (!client.post_logout_redirect_uris.includes(uri)) return { redirect: undefined, reason: 'post_logout_redirect_uri is not registered (LOGOUT-04 c)' };
  const state = usableState(parameters.state);
  // LOGOUT-05: state returned URL-encoded.
  return { redirect: state !== undefined ? appendQueryParameters(uri, [['state', state]]) : uri };
}

export interface FrontchannelNotice {
  client_id: string;
  url: string;
}

/**
 * LOGOUT-08 FCL §2, §3: one notice per participating client with a frontchannel_logout_uri —
 * the initiating client included — carrying iss and sid when the client registered
 * frontchannel_logout_session_required. The URI's own query is kept. LOGOUT-09: clients
 * without a frontchannel_logout_uri get nothing.
 */
export function frontchannelNotices(participants: readonly Participant[], registry: ClientRegistry, issuer: string): FrontchannelNotice[] {
  const seen = new Set<string>();
  const notices: FrontchannelNotice[] = [];
  for (const participant of participants) {
    const key = `${participant.client_id} ${participant.sid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const client = registry.find(participant.client_id);
    if (!client?.frontchannel_logout_uri) continue;
    const url = client.frontchannel_logout_session_required
      ? appendQueryParameters(client.frontchannel_logout_uri, [['iss', issuer], ['sid', participant.sid]])
      : client.frontchannel_logout_uri;
    notices.push({ client_id: client.client_id, url });
  }
  return notices;
}
