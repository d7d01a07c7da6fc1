// Ending a browser session (LOGOUT-07, SSO-07, SSO-09, TOKEN-19): the common and every isolated
// login end, the login-only grants of every participant are revoked (LOGOUT-10: others survive),
// and the front-channel notices to send are returned (LOGOUT-08).
import { frontchannelNotices, type FrontchannelNotice } from '../protocol/logout.js';
import { sidsOf, type LoadedSession } from '../store/sessions.js';
import type { FlowServices } from './authorization-flow.js';
import type { ProviderContext } from './context.js';
import { grantLifetimes } from './token-issuance.js';

export async function endBrowserSession(context: ProviderContext, flow: FlowServices, session: LoadedSession, reason: string): Promise<FrontchannelNotice[]> {
  const now = context.clock();
  const participants = await flow.sessions.participants(...sidsOf(session.record));
  await Promise.all([
    // LOGOUT-07 (1), SSO-09: the whole browser session.
    context.store.write(flow.sessions.endOps(session)),
    // LOGOUT-07 (2), TOKEN-19: grants whose scopes are only openid/profile die with the session.
    ...participants
      .filter((participant) => participant.login_only)
      .map((participant) => {
        // A client deactivated meanwhile still loses its grant.
        const client = context.registry.all().find((c) => c.client_id === participant.client_id);
        return client ? flow.grants.revoke(participant.grant_id, client.client_id, reason, now, grantLifetimes(client)) : Promise.resolve();
      }),
  ]);
  return frontchannelNotices(participants, context.registry, context.config.issuer);
}
