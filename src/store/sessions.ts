// The browser's SSO session (SSO-01…11). One cookie, one record, one pair of timers (SSO-02,
// SSO-09) holding the common login every SSO client shares (SSO-04) and, per client that opted
// out of SSO, that client's isolated login (SSO-08). The cookie holds a random secret; the store
// keeps the record under its hash, so a copy of Redis cannot be replayed as a cookie. Each login
// has a public `sid` (IDT-10, FCL §3), a different random value.
import type { AcrLevel } from '../protocol/acr.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';
import { randomToken } from '../random.js';

export interface SessionTimers {
  /** SSO-02: 30 minutes between authorization requests. */
  idleMs: number;
  /** SSO-02: 120 minutes from the first authentication. */
  maxMs: number;
}

export const defaultSessionTimers: SessionTimers = { idleMs: 30 * 60_000, maxMs: 120 * 60_000 };

/** One person's authentication in this browser. */
export interface SessionLogin {
  sid: string;
  pid: string;
  acr: AcrLevel;
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

export interface LoadedSession {
  /** The cookie value this session was found under. */
  cookie: string;
  record: SessionRecord;
}

/** SSO-10: a client served under a sid, with its grant; `loginOnly`: every scope is openid/profile. */
export interface Participant {
  client_id: string;
  grant_id: string;
  login_only: boolean;
  sid: string;
}

export const newSessionCookieValue = (): string => randomToken(32);
export const newSid = (): string => randomToken(32);

/** SSO-04, SSO-08: the login a client may use: the common one, or its own isolated one. */
export function loginFor(record: SessionRecord, client: Pick<RegisteredClient, 'client_id' | 'sso_disabled'>): SessionLogin | undefined {
  return client.sso_disabled ? record.isolated?.[client.client_id] : record.common;
}

/** Every sid this browser session holds (SSO-09: logout ends them all). */
export function sidsOf(record: SessionRecord): string[] {
  return [...(record.common ? [record.common.sid] : []), ...Object.values(record.isolated ?? {}).map((login) => login.sid)];
}

export class SessionStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
    readonly timers: SessionTimers = defaultSessionTimers,
  ) {}

  /** SSO-02: live while neither the idle nor the absolute limit has passed (injected clock). */
  isLive(record: SessionRecord, nowMs: number): boolean {
    return nowMs < record.last_active_at + this.timers.idleMs && nowMs < record.created_at + this.timers.maxMs;
  }

  /** The live session behind a cookie, or null (SSO-03: expiry is silent). */
  async find(cookie: string | undefined, nowMs: number): Promise<LoadedSession | null> {
    if (!cookie || cookie.length > 100) return null;
    const record = await this.store.get<never>(this.keys.session(storageHash(cookie))) as SessionRecord | null;
    return record && this.isLive(record, nowMs) ? { cookie, record } : null;
  }

  /** Remaining life in ms, for the store TTL and the cookie (never beyond the absolute limit). */
  remainingMs(record: SessionRecord, nowMs: number): number {
    return Math.max(1, Math.min(record.last_active_at + this.timers.idleMs, record.created_at + this.timers.maxMs) - nowMs);
  }

  /** Writes that save `record` under `cookie`; the caller sends them with its other writes. */
  saveOps(cookie: string, record: SessionRecord, nowMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.session(storageHash(cookie)), value: record as never, ttlMs: this.remainingMs(record, nowMs) }];
  }

  deleteOps(cookie: string): WriteOp[] {
    return [{ op: 'del', key: this.keys.session(storageHash(cookie)) }];
  }

  /** SSO-10: remember that a client was served under `sid`, with the grant it got. */
  participantOps(record: SessionRecord, sid: string, participant: Omit<Participant, 'sid'>, nowMs: number): WriteOp[] {
    const member = `${participant.client_id} ${participant.grant_id} ${participant.login_only ? 1 : 0}`;
    return [{ op: 'sadd', key: this.keys.sessionParticipants(sid), members: [member], ttlMs: Math.max(1, record.created_at + this.timers.maxMs - nowMs) + 60_000 }];
  }

  /** The participants under each of these sids, read in one round trip. */
  async participants(...sids: string[]): Promise<Participant[]> {
    const lists = await Promise.all(sids.map((sid) => this.store.members(this.keys.sessionParticipants(sid))));
    return lists.flatMap((members, i) =>
      members.map((member) => {
        const [client_id = '', grant_id = '', flag = '0'] = member.split(' ');
        return { client_id, grant_id, login_only: flag === '1', sid: sids[i]! };
      }),
    );
  }

  /** SSO-09, LOGOUT-07: the whole browser session and its participant lists go. */
  endOps(session: LoadedSession): WriteOp[] {
    return [...this.deleteOps(session.cookie), ...sidsOf(session.record).map((sid): WriteOp => ({ op: 'del', key: this.keys.sessionParticipants(sid) }))];
  }
}
