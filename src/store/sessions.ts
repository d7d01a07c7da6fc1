// The browser's SSO session records (protocol/session.ts holds the rules). The cookie holds a
// random secret; the store keeps the record under its hash, so a copy of Redis cannot be replayed
// as a cookie. The clients a session served are listed per public sid (SSO-10), so a new cookie
// keeps them.
import type { Participant, SessionRecord } from '../protocol/session.js';
import { storageHash } from './hash.js';
import type { KeySpace } from './keys.js';
import type { Store, WriteOp } from './store.js';

export class SessionStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeySpace,
  ) {}

  /** The record behind a cookie, live or not (the caller applies SSO-02), or null. */
  async find(cookie: string | undefined): Promise<SessionRecord | null> {
    if (!cookie || cookie.length > 100) return null;
    return (await this.store.get<never>(this.keys.session(storageHash(cookie)))) as SessionRecord | null;
  }

  /** Writes that save `record` under `cookie`; the caller sends them with its other writes. */
  saveOps(cookie: string, record: SessionRecord, ttlMs: number): WriteOp[] {
    return [{ op: 'set', key: this.keys.session(storageHash(cookie)), value: record as never, ttlMs }];
  }

  deleteOps(cookie: string): WriteOp[] {
    return [{ op: 'del', key: this.keys.session(storageHash(cookie)) }];
  }

  delete(cookie: string): Promise<void> {
    return this.store.write(this.deleteOps(cookie));
  }

  /**
   * SSO-10: remember that a client was served under `sid`, with the grant it got and its flags.
   * A member is `<client_id, URI-encoded> <grant_id> <login_only 0|1> <isolated 0|1>`: client ids
   * may hold spaces (RFC 6749 Appendix A.1), grant ids are base64url.
   */
  participantOps(participant: Participant, ttlMs: number): WriteOp[] {
    const member = `${encodeURIComponent(participant.client_id)} ${participant.grant_id} ${participant.login_only ? 1 : 0} ${participant.isolated ? 1 : 0}`;
    return [{ op: 'sadd', key: this.keys.sessionParticipants(participant.sid), members: [member], ttlMs }];
  }

  /** The participants under each of these sids, read in one round trip. */
  async participants(...sids: string[]): Promise<Participant[]> {
    const lists = await Promise.all(sids.map((sid) => this.store.members(this.keys.sessionParticipants(sid))));
    return lists.flatMap((members, i) =>
      members.map((member) => {
        const [client_id = '', grant_id = '', loginOnly = '0', isolated = '0'] = member.split(' ');
        return { client_id: decodeURIComponent(client_id), grant_id, login_only: loginOnly === '1', isolated: isolated === '1', sid: sids[i]! };
      }),
    );
  }

  /** SSO-09, LOGOUT-07: the whole browser session and its participant lists go. */
  end(cookie: string, sids: readonly string[]): Promise<void> {
    return this.store.write([...this.deleteOps(cookie), ...sids.map((sid): WriteOp => ({ op: 'del', key: this.keys.sessionParticipants(sid) }))]);
  }
}
