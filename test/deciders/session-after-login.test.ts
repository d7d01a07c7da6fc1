// sessionAfterLogin (src/protocol/session.ts) called directly, no app and no Redis: the browser's
// previous session, the client, what the user just proved and the clock in; the session record,
// the login the client gets and whether another person's session had to end (SSO-07) out.
// login-and-sso.test.ts and logout.test.ts prove the same rules through the HTTP surface.
import { describe, expect, it } from 'vitest';
import { sidsOf, sessionAfterLogin, type SessionLogin, type SessionRecord } from '../../src/protocol/session.js';
import type { AuthenticationResult } from '../../src/protocol/tokens.js';
import type { RegisteredClient } from '../../src/registry/client-registry.js';
import {
  HIGH,
  MINUTE,
  SUBSTANTIAL,
  base64url43,
  clientRecord,
  confidentialClient,
  demoClientRecords,
  otherPid,
  pid,
  registeredClient,
  registryOf,
  titled,
  web,
} from '../support/vocabulary.js';

const isolatedWeb = confidentialClient('isolated-web', 'http://localhost:8095', 'isolated-web-client-secret-0123456789-abcdef');
const registry = registryOf([...demoClientRecords, { ...clientRecord(isolatedWeb), client_name: 'Isolated Web Service', sso_disabled: true }]);
/** demo-web takes part in SSO; isolated-web opted out (SSO-08). */
const sso = registeredClient(registry, web.id);
const isolated = registeredClient(registry, isolatedWeb.id);

const nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);
const startedAt = nowMs - 20 * MINUTE;

type Level = typeof SUBSTANTIAL | typeof HIGH;

/** Person `who`'s login at `acr` by `amr`, ten minutes old. */
const login = (who: string, acr: Level, amr: string[], sid: string): SessionLogin => ({ sid, pid: who, acr, amr, auth_time: (nowMs - 10 * MINUTE) / 1000 });
const commonOf = (who: string, acr: Level, amr = ['TestID']): SessionLogin => login(who, acr, amr, 'common-sid');
const isolatedOf = (who: string, acr: Level): Record<string, SessionLogin> => ({ [isolatedWeb.id]: login(who, acr, ['TestID'], 'isolated-sid') });

/** A live session started 20 minutes ago, last active 5 minutes ago. */
const sessionWith = (logins: { common?: SessionLogin; isolated?: Record<string, SessionLogin> }): SessionRecord => ({
  created_at: startedAt,
  last_active_at: nowMs - 5 * MINUTE,
  ...logins,
});

const proved = (who: string, acr: Level, amr = ['TestID']): AuthenticationResult => ({ pid: who, acr, amr });

/** Where a login of the resulting record comes from: the new `login`, or `kept` unchanged from the previous session. */
type Source = 'login' | 'kept';

interface Row {
  title: string;
  previous: SessionRecord | null;
  client: RegisteredClient;
  result: AuthenticationResult;
  otherPerson: boolean;
  /** The login's sid: kept from the previous session, or `new` (fresh, none of the previous sids). */
  sid: 'common-sid' | 'isolated-sid' | 'new';
  acr: Level;
  amr: string[];
  createdAt: number;
  /** The record's common login; undefined: none. */
  common: Source | undefined;
  /** The record's isolated logins by client_id. */
  isolated: Record<string, Source>;
}

const rows: Row[] = [
  {
    title: 'SSO-01 SSO-02 a first login starts a session: a new sid, started now, as the common login',
    previous: null,
    client: sso,
    result: proved(pid, SUBSTANTIAL),
    otherPerson: false,
    sid: 'new',
    acr: SUBSTANTIAL,
    amr: ['TestID'],
    createdAt: nowMs,
    common: 'login',
    isolated: {},
  },
  {
    title: "SSO-05 the same person logging in again keeps the sid and the session's start, and takes the new amr",
    previous: sessionWith({ common: commonOf(pid, SUBSTANTIAL, ['MinID']) }),
    client: sso,
    result: proved(pid, SUBSTANTIAL, ['TestID']),
    otherPerson: false,
    sid: 'common-sid',
    acr: SUBSTANTIAL,
    amr: ['TestID'],
    createdAt: startedAt,
    common: 'login',
    isolated: {},
  },
  {
    title: 'SSO-05 SSO-06 a step-up by the same person raises the level in the same login',
    previous: sessionWith({ common: commonOf(pid, SUBSTANTIAL, ['MinID']) }),
    client: sso,
    result: proved(pid, HIGH, ['TestID']),
    otherPerson: false,
    sid: 'common-sid',
    acr: HIGH,
    amr: ['TestID'],
    createdAt: startedAt,
    common: 'login',
    isolated: {},
  },
  {
    title: "SSO-06 a new login at a lower level never lowers the login's level, nor replaces the amr that reached it",
    previous: sessionWith({ common: commonOf(pid, HIGH, ['MinID']) }),
    client: sso,
    result: proved(pid, SUBSTANTIAL, ['TestID']),
    otherPerson: false,
    sid: 'common-sid',
    acr: HIGH,
    amr: ['MinID'],
    createdAt: startedAt,
    common: 'login',
    isolated: {},
  },
  {
    title: "SSO-07 another person's login ends the previous session: a new sid, started now, nothing kept",
    previous: sessionWith({ common: commonOf(pid, HIGH), isolated: isolatedOf(pid, HIGH) }),
    client: sso,
    result: proved(otherPid, SUBSTANTIAL),
    otherPerson: true,
    sid: 'new',
    acr: SUBSTANTIAL,
    amr: ['TestID'],
    createdAt: nowMs,
    common: 'login',
    isolated: {},
  },
  {
    title: 'SSO-07 SSO-09 a session holding only an isolated login of another person ends too',
    previous: sessionWith({ isolated: isolatedOf(pid, HIGH) }),
    client: sso,
    result: proved(otherPid, SUBSTANTIAL),
    otherPerson: true,
    sid: 'new',
    acr: SUBSTANTIAL,
    amr: ['TestID'],
    createdAt: nowMs,
    common: 'login',
    isolated: {},
  },
  {
    title: "SSO-07 SSO-09 another person logging in to an sso_disabled client ends the common login too",
    previous: sessionWith({ common: commonOf(pid, HIGH) }),
    client: isolated,
    result: proved(otherPid, SUBSTANTIAL),
    otherPerson: true,
    sid: 'new',
    acr: SUBSTANTIAL,
    amr: ['TestID'],
    createdAt: nowMs,
    common: undefined,
    isolated: { [isolatedWeb.id]: 'login' },
  },
  {
    title: "SSO-08 SSO-09 an sso_disabled client's first login is isolated beside the untouched common login, on the session's timers",
    previous: sessionWith({ common: commonOf(pid, SUBSTANTIAL) }),
    client: isolated,
    result: proved(pid, HIGH),
    otherPerson: false,
    sid: 'new',
    acr: HIGH,
    amr: ['TestID'],
    createdAt: startedAt,
    common: 'kept',
    isolated: { [isolatedWeb.id]: 'login' },
  },
  {
    title: "SSO-08 SSO-06 an sso_disabled client's next login keeps its own sid and raises only its own level",
    previous: sessionWith({ common: commonOf(pid, SUBSTANTIAL), isolated: isolatedOf(pid, SUBSTANTIAL) }),
    client: isolated,
    result: proved(pid, HIGH),
    otherPerson: false,
    sid: 'isolated-sid',
    acr: HIGH,
    amr: ['TestID'],
    createdAt: startedAt,
    common: 'kept',
    isolated: { [isolatedWeb.id]: 'login' },
  },
  {
    title: "SSO-08 SSO-05 an SSO client's login continues the common login and leaves the isolated ones untouched",
    previous: sessionWith({ common: commonOf(pid, SUBSTANTIAL), isolated: isolatedOf(pid, HIGH) }),
    client: sso,
    result: proved(pid, SUBSTANTIAL),
    otherPerson: false,
    sid: 'common-sid',
    acr: SUBSTANTIAL,
    amr: ['TestID'],
    createdAt: startedAt,
    common: 'login',
    isolated: { [isolatedWeb.id]: 'kept' },
  },
];

describe('SSO-05 SSO-06 SSO-07 SSO-08 sessionAfterLogin: previous session, client, result and clock in, session out', () => {
  it.each(titled(rows))('%s', (_, row) => {
    const { record, login: made, otherPerson } = sessionAfterLogin(row.previous, row.client, row.result, nowMs);
    expect(otherPerson).toBe(row.otherPerson);
    if (row.sid === 'new') {
      expect(made.sid).toMatch(base64url43);
      expect(row.previous ? sidsOf(row.previous) : []).not.toContain(made.sid);
    } else {
      expect(made.sid).toBe(row.sid);
    }
    expect(made).toEqual({ sid: made.sid, pid: row.result.pid, acr: row.acr, amr: row.amr, auth_time: nowMs / 1000 });
    // SSO-02: every login restarts the idle clock; the absolute one runs from the session's start.
    expect(record.created_at).toBe(row.createdAt);
    expect(record.last_active_at).toBe(nowMs);
    const source = (which: Source | undefined, previous: SessionLogin | undefined) => (which === 'login' ? made : which === 'kept' ? previous : undefined);
    expect(record.common).toEqual(source(row.common, row.previous?.common));
    expect(record.isolated ?? {}).toEqual(Object.fromEntries(Object.entries(row.isolated).map(([clientId, which]) => [clientId, source(which, row.previous?.isolated?.[clientId])])));
  });
});
