// `npm run bench -- --preload N`: N live SSO sessions, each with one grant and one refresh token,
// written into the provider's Redis before the measured run. The records are built by the
// provider's own code (protocol/session.ts, the refresh token record of the token endpoint) and
// written through its own store classes (store/sessions.ts, grants.ts, refresh-tokens.ts) under
// its own key space and TTLs, exactly the writes the login and the token endpoint send:
//   the session record                 {s:<hash of the cookie>}            TTL: the session's life (SSO-02)
//   the session's participant list     {sid:<sid>}:participants            TTL: the session's maximum + 1 min (SSO-10)
//   the refresh token record           {rt:<hash of the token>}            TTL: its idle window (TOKEN-15)
//   the grant's token list             {g:<grant id>}:tokens               TTL: the grant's life; members at:<jti>, rt:<hash>
// The access token record of the grant (AT-08) is not written: it lives 3 minutes, so a session
// older than that no longer has one. Batches of sessions go out as one store.write() each, which
// auto-pipelining sends as one write, with a few batches in flight.
import { loadConfig } from '../../src/config.js';
import { newId, newJti, newRefreshToken, newSessionCookieValue } from '../../src/protocol/identifiers.js';
import { scopePolicy } from '../../src/protocol/scope-policy.js';
import { isLoginOnlyScope, participantListTtlMs, sessionAfterLogin, sessionRemainingMs } from '../../src/protocol/session.js';
import { grantExpiresAt } from '../../src/protocol/token/authorization-code-grant.js';
import { buildRefreshTokenRecord } from '../../src/protocol/token/refresh-token-grant.js';
import type { AuthenticatedSubject } from '../../src/protocol/tokens.js';
import { loadClientRecords } from '../../src/registry/clients-file.js';
import { loadScopeRecords } from '../../src/registry/scopes-file.js';
import { AccessTokenStore } from '../../src/store/access-tokens.js';
import { accessTokenMember, GrantStore } from '../../src/store/grants.js';
import { openStore } from '../../src/store/index.js';
import { RefreshTokenStore } from '../../src/store/refresh-tokens.js';
import { SessionStore } from '../../src/store/sessions.js';
import type { WriteOp } from '../../src/store/store.js';

export interface PreloadResult {
  sessions: number;
  seconds: number;
}

/**
 * Write `count` live sessions through the provider's store code. `env` is the provider's
 * environment (the same OP_REDIS_URL, OP_REDIS_PREFIX and clients file), so keys and TTLs are its own.
 */
export async function preloadSessions(env: NodeJS.ProcessEnv, count: number, options: { clientId?: string; batch?: number; inFlight?: number; progress?: (done: number) => void } = {}): Promise<PreloadResult> {
  const config = loadConfig(env);
  const { store, keys } = await openStore({ redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, redisTimeoutMs: 120_000 });
  const scopes = loadScopeRecords(config.scopesFile);
  const client = loadClientRecords(config.clientsFile, config.mode, scopes).clients.find((c) => c.client_id === (options.clientId ?? 'demo-web'));
  if (!client) throw new Error(`preload: no client ${options.clientId ?? 'demo-web'} in ${config.clientsFile}`);
  const sessions = new SessionStore(store, keys);
  const accessTokens = new AccessTokenStore(store, keys);
  const grants = new GrantStore(store, keys, accessTokens);
  const refreshTokens = new RefreshTokenStore(store, keys, grants);
  const scope = ['openid', 'profile'];
  const policy = scopePolicy(scope, scopes);

  /** What one login followed by one code redemption leaves behind (see the file's header). */
  const sessionOps = (now: number): WriteOp[] => {
    const { record, login } = sessionAfterLogin(null, client, { pid: '21879498012', acr: 'idporten-loa-substantial', amr: ['TestID'] }, now);
    const subject: AuthenticatedSubject = { pid: login.pid!, acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale: 'nb' };
    const grantId = newId();
    const grantEnds = grantExpiresAt(subject, client, policy);
    const refresh = buildRefreshTokenRecord(client, { grantId, scope, resource: [], subject, grantExpiresAt: grantEnds }, now);
    return [
      ...sessions.saveOps(newSessionCookieValue(), record, sessionRemainingMs(record, now)),
      ...sessions.participantOps({ client_id: client.client_id, grant_id: grantId, login_only: isLoginOnlyScope(scope), isolated: client.sso_disabled, sid: login.sid }, participantListTtlMs(record, now)),
      ...grants.trackOps(grantId, accessTokenMember(newJti()), Math.max(1, grantEnds - now)),
      ...refreshTokens.issueOps(newRefreshToken(), refresh, now),
    ];
  };

  const batch = options.batch ?? 2000;
  const inFlight = options.inFlight ?? 4;
  const started = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const size = Math.min(batch, count - next);
        next += size;
        const now = Date.now();
        const ops: WriteOp[] = [];
        for (let i = 0; i < size; i++) ops.push(...sessionOps(now));
        await store.write(ops);
        done += size;
        options.progress?.(done);
      }
    }),
  );
  await store.close();
  return { sessions: count, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
}
