// The browser's SSO session as the protocol sees it (SSO-01…11): one record, one pair of timers
// (SSO-02, SSO-09), the common login every SSO client shares (SSO-04) and, per client that opted
// out of SSO, that client's isolated login (SSO-08). Each login has a public `sid` (IDT-10,
// FCL §3). Pure: records and the clock in, decisions out; the store keeps the records.
import type { RegisteredClient } from '../registry/client-registry.js';
import { strongest, type Acr } from './acr.js';
import { newSid } from './identifiers.js';
import { personKey, personOf, type AuthenticationResult, type Person } from './tokens.js';

export interface SessionTimers {
  /** SSO-02: 30 minutes between authorization requests. */
  idleMs: number;
  /** SSO-02: 120 minutes from the first authentication. */
  maxMs: number;
}

export const defaultSessionTimers: SessionTimers = { idleMs: 30 * 60_000, maxMs: 120 * 60_000 };

/** One person's authentication in this browser. */
export interface SessionLogin extends Person {
  sid: string;
  acr: Acr;
  amr: string[];
  /** Seconds: the last active authentication (IDT-07). */
  auth_time: number;
}

export interface SessionRecord {
  /** Milliseconds: the first authentication of this session (SSO-02 absolute limit). */
  created_at: number;
  /** Milliseconds: the last authorization request served (SSO-02 idle limit). */
  last_active_at: number;
  /** SSO-04: the login shared by every client that takes part in SSO. */
  common?: SessionLogin;
  /** SSO-08: logins of clients with sso_disabled, by client_id; never shared. */
  isolated?: Record<string, SessionLogin>;
}

/** A session as found behind the browser's cookie. */
export interface LoadedSession {
  /** The cookie value this session was found under. */
  cookie: string;
  record: SessionRecord;
}

/**
 * SSO-10: a client served under a sid, with its grant, whether it took part through an isolated
 * login (SSO-08), and `login_only`: every scope of the grant is openid or profile (TOKEN-19).
 */
export interface Participant {
  client_id: string;
  grant_id: string;
  login_only: boolean;
  isolated: boolean;
  sid: string;
}

/** SSO-02: live while neither the idle nor the absolute limit has passed (injected clock). */
export function isSessionLive(record: SessionRecord, nowMs: number, timers: SessionTimers = defaultSessionTimers): boolean {
  return nowMs < record.last_active_at + timers.idleMs && nowMs < record.created_at + timers.maxMs;
}

/** SSO-02: remaining life in ms, for the store TTL and the cookie (never beyond the absolute limit). */
export function sessionRemainingMs(record: SessionRecord, nowMs: number, timers: SessionTimers = defaultSessionTimers): number {
  return Math.max(1, Math.min(record.last_active_at + timers.idleMs, record.created_at + timers.maxMs) - nowMs);
}

/** How long a session's participant list must outlive the session at most (SSO-10). */
export function participantListTtlMs(record: Pick<SessionRecord, 'created_at'>, nowMs: number, timers: SessionTimers = defaultSessionTimers): number {
  return Math.max(1, record.created_at + timers.maxMs - nowMs) + 60_000;
}

/** SSO-04, SSO-08: the login a client may use: the common one, or its own isolated one. */
export function loginFor(record: SessionRecord, client: Pick<RegisteredClient, 'client_id' | 'sso_disabled'>): SessionLogin | undefined {
  return client.sso_disabled ? record.isolated?.[client.client_id] : record.common;
}

/** Every sid this browser session holds (SSO-09: logout ends them all). */
export function sidsOf(record: SessionRecord): string[] {
  return [...(record.common ? [record.common.sid] : []), ...Object.values(record.isolated ?? {}).map((login) => login.sid)];
}

/** TOKEN-19, LOGOUT-10: a grant whose scopes are all openid or profile dies with single logout. */
export const isLoginOnlyScope = (scope: readonly string[]): boolean => scope.every((s) => s === 'openid' || s === 'profile');

export interface SessionAfterLogin {
  record: SessionRecord;
  login: SessionLogin;
  /** SSO-07: the previous browser session belonged to someone else and must end first. */
  otherPerson: boolean;
}

/**
 * The browser session after a successful login of `client` (SSO-01, SSO-05…SSO-09).
 * SSO-05, SSO-06: the same person keeps the login being replaced (its sid) and its level only goes
 * up. SSO-07: one browser session belongs to one person; if any login in it (common or isolated)
 * is someone else's, the old session ends and a new one starts. SSO-08, SSO-09: a client that
 * opted out of SSO gets an isolated login in the same browser session, sharing its timers.
 */
export function sessionAfterLogin(previous: SessionRecord | null, client: Pick<RegisteredClient, 'client_id' | 'sso_disabled'>, result: AuthenticationResult, nowMs: number): SessionAfterLogin {
  const person = personKey(result);
  const otherPerson = previous !== null && [previous.common, ...Object.values(previous.isolated ?? {})].some((l) => l !== undefined && personKey(l) !== person);
  const kept = previous && !otherPerson ? previous : undefined;
  const continuing = kept ? loginFor(kept, client) : undefined;
  // SSO-06: the level only goes up on its scale; a login on the other scale (eIDAS after a national eID) replaces it.
  const raised = !continuing || strongest(continuing.acr, result.acr) === result.acr;
  const login: SessionLogin = {
    sid: continuing?.sid ?? newSid(),
    ...personOf(result),
    acr: raised ? result.acr : continuing!.acr,
    amr: raised ? result.amr : continuing!.amr,
    auth_time: Math.floor(nowMs / 1000),
  };
  const record: SessionRecord = {
    created_at: kept?.created_at ?? nowMs,
    last_active_at: nowMs,
    ...(client.sso_disabled ? (kept?.common ? { common: kept.common } : {}) : { common: login }),
    isolated: client.sso_disabled ? { ...kept?.isolated, [client.client_id]: login } : { ...kept?.isolated },
  };
  return { record, login, otherPerson };
}
