// Finding and ending the browser's session (SSO-02, SSO-03, LOGOUT-07, SSO-07, SSO-09, TOKEN-19),
// shared by /authorize, the login and /logout.
import { frontchannelNotices, type FrontchannelNotice } from '../protocol/logout.js';
import { isSessionLive, sidsOf, type LoadedSession } from '../protocol/session.js';
import { revokeGrant } from './token-issuance.js';
import type { Services } from './services.js';

/** The live session behind the browser's cookie, or null (SSO-02; SSO-03: expiry is silent). */
export async function findBrowserSession(services: Services, cookie: string | undefined, nowMs: number): Promise<LoadedSession | null> {
  const record = await services.sessions.find(cookie);
  return record && isSessionLive(record, nowMs) ? { cookie: cookie!, record } : null;
}

/**
 * End a browser session: the common and every isolated login end (LOGOUT-07 (1), SSO-09), the
 * login-only grants of every participant are revoked (LOGOUT-07 (2), TOKEN-19; LOGOUT-10: others
 * survive), and the front-channel notices to send are returned (LOGOUT-08).
 */
export async function endBrowserSession(services: Services, session: LoadedSession, reason: string): Promise<FrontchannelNotice[]> {
  const sids = sidsOf(session.record);
  const participants = await services.sessions.participants(...sids);
  await Promise.all([
    services.sessions.end(session.cookie, sids),
    ...participants
      .filter((participant) => participant.login_only)
      .map((participant) => {
        // A client deactivated meanwhile still loses its grant.
        const client = services.registry.all().find((c) => c.client_id === participant.client_id);
        return client ? revokeGrant(services, participant.grant_id, client, reason) : Promise.resolve();
      }),
  ]);
  return frontchannelNotices(participants, services.registry, services.config.issuer);
}
