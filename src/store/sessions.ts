// The browser's SSO session (SSO-01…04, SSO-06, SSO-10). The cookie holds a random secret; the
// store keeps the session under its hash, so a copy of Redis cannot be replayed as a cookie. The
// public `sid` (IDT-10, FCL §3) is a different random value.
import { randomBytes } from 'node:crypto';
import type { AcrLevel } from '../protocol/acr.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export interface SessionTimers {
  /** SSO-02: 30 minutes between authorization requests. */
  idleMs: number;
  /** SSO-02: 120 minutes from the first authentication. */
  maxMs: number;
}

export const defaultSessionTimers: SessionTimers = { idleMs: 30 * 60_000, maxMs: 120 * 60_000 };

export interface SessionRecord {
  [key: string]: string | number | string[];
  sid: string;
  pid: string;
  acr: AcrLevel;
  amr: string[];
  /** Seconds: the last active authentication (IDT-07). */
  auth_time: number;
  /** Milliseconds: the first authentication of this session (SSO-02 absolute limit). */
  created_at: number;
  /** Milliseconds: the last authorization request served (SSO-02 idle limit). */
  last_active_at: number;
}

export interface LoadedSession {
  /** The cookie value this session was found under. */
  cookie: string;
  record: SessionRecord;
}

export const newSessionCookieValue = (): string => randomBytes(32).toString('base64url');
export const newSid = (): string => randomBytes(32).toString('base64url');

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
    const record = await this.store.get<SessionRecord>(this.keys.session(storageHash(cookie)));
    return record && this.isLive(record, nowMs) ? { cookie, record } : null;
  }

  /** Remaining life in ms, for the store TTL and the cookie (never beyond the absolute limit). */
  remainingMs(record: SessionRecord, nowMs: number): number {
    return Math.max(1, Math.min(record.last_active_at + this.timers.idleMs, record.created_at + this.timers.maxMs) - nowMs);
  }

  /** Writes that save `record` under `cookie`; the caller sends them with its other writes. */
  saveOps(cookie: string, record: SessionRecord, nowMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.session(storageHash(cookie)), value: record, ttlMs: this.remainingMs(record, nowMs) }];
  }

  deleteOps(cookie: string): WriteOp[] {
    return [{ op: 'del', key: this.keys.session(storageHash(cookie)) }];
  }

  /** SSO-10: remember that `clientId` was served under `sid`, with the grant it got. */
  participantOps(record: SessionRecord, clientId: string, grantId: string, nowMs: number): WriteOp[] {
    return [{ op: 'sadd', key: this.keys.sessionParticipants(record.sid), members: [`${clientId} ${grantId}`], ttlMs: this.timers.maxMs + (record.created_at - nowMs) + 60_000 }];
  }

  async participants(sid: string): Promise<{ client_id: string; grant_id: string }[]> {
    const members = await this.store.members(this.keys.sessionParticipants(sid));
    return members.map((member) => {
      const [client_id = '', grant_id = ''] = member.split(' ');
      return { client_id, grant_id };
    });
  }
}
