// The SSO deciders called directly, no app and no Redis. decideSso (src/protocol/sso.ts): a
// validated request, the client, the login it may use (the common one, or its own isolated one:
// loginFor, as the authorize flow picks it) and the clock in; reuse, authenticate (and why) or the
// prompt=none error out. sessionAfterLogin (src/protocol/session.ts): the browser's previous
// session, the client, what the user just proved and the clock in; the session record, the login
// the client gets and whether another person's session had to end (SSO-07) out.
// login-and-sso.test.ts and logout.test.ts prove the same rules through the HTTP surface.
import { describe, expect, it } from 'vitest';
import type { OAuthErrorCode } from '../../src/errors.js';
import type { AuthorizationRequest } from '../../src/protocol/authorize/request.js';
import { loginFor, sessionAfterLogin, sidsOf, type SessionLogin, type SessionRecord } from '../../src/protocol/session.js';
import { decideSso, type SsoDecision } from '../../src/protocol/sso.js';
import type { AuthenticationResult } from '../../src/protocol/tokens.js';
import type { RegisteredClient } from '../../src/registry/client-registry.js';
import {
  HIGH,
  MINUTE,
  SUBSTANTIAL,
  base64url43,
  demoClientRecords,
  isolatedWeb,
  isolatedWebRecord,
  otherPid,
  pid,
  registeredClient,
  registryOf,
  titled,
  web,
} from '../support/vocabulary.js';

const registry = registryOf([...demoClientRecords, isolatedWebRecord]);
/** demo-web takes part in SSO; isolated-web opted out (SSO-08). */
const sso = registeredClient(registry, web.id);
const isolated = registeredClient(registry, isolatedWeb.id);

const nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);
const startedAt = nowMs - 20 * MINUTE;

type Level = typeof SUBSTANTIAL | typeof HIGH;

/** A login at `acr`, ten minutes old: by the test person unless `who`, by TestID unless `amr`, under the common login's sid unless `sid`. */
const loginOf = (acr: Level, { who = pid, amr = ['TestID'], sid = 'common-sid' }: { who?: string; amr?: string[]; sid?: string } = {}): SessionLogin => ({
  sid,
  pid: who,
  acr,
  amr,
  auth_time: (nowMs - 10 * MINUTE) / 1000,
});
/** isolated-web's isolated login at `acr` by `who`. */
const isolatedOf = (who: string, acr: Level): Record<string, SessionLogin> => ({ [isolatedWeb.id]: loginOf(acr, { who, sid: 'isolated-sid' }) });

/** A live browser session (SSO-02), started 20 minutes ago, with a common login and/or isolated ones. */
const sessionWith = (logins: { common?: SessionLogin; isolated?: Record<string, SessionLogin> }): SessionRecord => ({
  created_at: startedAt,
  last_active_at: nowMs - MINUTE,
  ...logins,
});

// ---------------------------------------------------------------------------------------------
// decideSso

/** A validated request of `client` asking for substantial, without prompt or max_age; `changes` replace. */
const requestOf = (client: RegisteredClient, changes: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  client_id: client.client_id,
  redirect_uri: client.redirect_uris[0]!,
  response_mode: 'query',
  scope: ['openid', 'profile'],
  state: 'state-1',
  prompt: [],
  acr_minimum: SUBSTANTIAL,
  resource: [],
  ...changes,
});

const substantialSession = sessionWith({ common: loginOf(SUBSTANTIAL) });
const highSession = sessionWith({ common: loginOf(HIGH) });

type SsoExpected = { kind: 'reuse' } | { kind: 'authenticate'; reason: Extract<SsoDecision, { kind: 'authenticate' }>['reason'] } | { kind: 'error'; error: OAuthErrorCode };

interface SsoRow {
  title: string;
  client: RegisteredClient;
  request: Partial<AuthorizationRequest>;
  /** The browser's session; null: none. */
  session: SessionRecord | null;
  expected: SsoExpected;
}

const ssoRows: SsoRow[] = [
  { title: 'SSO-04 a live login at the requested level is reused without UI', client: sso, request: {}, session: substantialSession, expected: { kind: 'reuse' } },
  { title: 'SSO-04 AUTHZ-11 a high login satisfies a request for substantial', client: sso, request: {}, session: highSession, expected: { kind: 'reuse' } },
  { title: 'SSO-04 AUTHZ-14 prompt=none with a live login at the level is reused', client: sso, request: { prompt: ['none'] }, session: substantialSession, expected: { kind: 'reuse' } },
  { title: 'SSO-04 without a session the user logs in', client: sso, request: {}, session: null, expected: { kind: 'authenticate', reason: 'no-session' } },
  { title: 'AUTHZ-14 prompt=none without a session is login_required, never the login page', client: sso, request: { prompt: ['none'] }, session: null, expected: { kind: 'error', error: 'login_required' } },
  { title: 'AUTHZ-14 SSO-05 prompt=login authenticates despite a live login', client: sso, request: { prompt: ['login'] }, session: highSession, expected: { kind: 'authenticate', reason: 'prompt-login' } },
  { title: 'AUTHZ-14 prompt=login without a session authenticates for that reason', client: sso, request: { prompt: ['login', 'consent'] }, session: null, expected: { kind: 'authenticate', reason: 'prompt-login' } },
  { title: 'SSO-06 a substantial login asked for high steps up', client: sso, request: { acr_minimum: HIGH }, session: substantialSession, expected: { kind: 'authenticate', reason: 'step-up' } },
  {
    title: 'AUTHZ-14 SSO-06 prompt=none with a login below the requested level is interaction_required',
    client: sso,
    request: { prompt: ['none'], acr_minimum: HIGH },
    session: substantialSession,
    expected: { kind: 'error', error: 'interaction_required' },
  },
  { title: 'SSO-04 (Core §3.1.2.1 max_age) a login older than max_age is repeated', client: sso, request: { max_age: 300 }, session: substantialSession, expected: { kind: 'authenticate', reason: 'max-age' } },
  { title: 'SSO-04 (Core §3.1.2.1 max_age) a login exactly max_age old is still reused', client: sso, request: { max_age: 600 }, session: substantialSession, expected: { kind: 'reuse' } },
  { title: 'SSO-04 (Core §3.1.2.1 max_age) a login younger than max_age is reused', client: sso, request: { max_age: 900 }, session: substantialSession, expected: { kind: 'reuse' } },
  {
    title: 'AUTHZ-14 (Core §3.1.2.1 max_age) prompt=none with a login older than max_age is login_required',
    client: sso,
    request: { prompt: ['none'], max_age: 300 },
    session: substantialSession,
    expected: { kind: 'error', error: 'login_required' },
  },
  {
    title: 'AUTHZ-14 SSO-06 max_age is checked before the level: an old substantial login asked for high is login_required under prompt=none',
    client: sso,
    request: { prompt: ['none'], max_age: 300, acr_minimum: HIGH },
    session: substantialSession,
    expected: { kind: 'error', error: 'login_required' },
  },
  { title: 'SSO-08 an sso_disabled client never uses the common login: it authenticates', client: isolated, request: {}, session: highSession, expected: { kind: 'authenticate', reason: 'isolated' } },
  {
    title: 'SSO-08 AUTHZ-14 prompt=none for an sso_disabled client with only a common login is login_required',
    client: isolated,
    request: { prompt: ['none'] },
    session: highSession,
    expected: { kind: 'error', error: 'login_required' },
  },
  {
    title: 'SSO-08 an sso_disabled client reuses its own isolated login',
    client: isolated,
    request: {},
    session: sessionWith({ isolated: isolatedOf(pid, HIGH) }),
    expected: { kind: 'reuse' },
  },
  {
    title: "SSO-08 an SSO client never uses an isolated client's login",
    client: sso,
    request: {},
    session: sessionWith({ isolated: isolatedOf(pid, HIGH) }),
    expected: { kind: 'authenticate', reason: 'no-session' },
  },
  {
    title: 'SSO-06 SSO-08 an isolated login below the requested level steps up',
    client: isolated,
    request: { acr_minimum: HIGH },
    session: sessionWith({ common: loginOf(HIGH), isolated: isolatedOf(pid, SUBSTANTIAL) }),
    expected: { kind: 'authenticate', reason: 'step-up' },
  },
];

/** What a decision amounts to, with the error reduced to its code. */
const summary = (decision: SsoDecision): SsoExpected => (decision.kind === 'error' ? { kind: 'error', error: decision.error.error } : decision);

describe('SSO-04 SSO-06 SSO-08 AUTHZ-14 decideSso: request, client, usable login and clock in, decision out', () => {
  it.each(titled(ssoRows))('%s', (_, { client, request, session, expected }) => {
    const login = session ? (loginFor(session, client) ?? null) : null;
    expect(summary(decideSso(requestOf(client, request), client, login, nowMs))).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// sessionAfterLogin

const proved = (who: string, acr: Level, amr = ['TestID']): AuthenticationResult => ({ pid: who, acr, amr });

/** Where a login of the resulting record comes from: the new `login`, or `kept` unchanged from the previous session. */
type Source = 'login' | 'kept';

/** What a login must make of the session. */
interface Outcome {
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

/** A session that starts now with the new login as its common login. */
const starts: Outcome = { otherPerson: false, sid: 'new', acr: SUBSTANTIAL, amr: ['TestID'], createdAt: nowMs, common: 'login', isolated: {} };
/** The session continues: its start and its common login's sid are kept. */
const continues: Outcome = { ...starts, sid: 'common-sid', createdAt: startedAt };

interface LoginRow {
  title: string;
  previous: SessionRecord | null;
  client: RegisteredClient;
  result: AuthenticationResult;
  expected: Outcome;
}

const loginRows: LoginRow[] = [
  { title: 'SSO-01 SSO-02 a first login starts a session: a new sid, started now, as the common login', previous: null, client: sso, result: proved(pid, SUBSTANTIAL), expected: starts },
  {
    title: "SSO-05 the same person logging in again keeps the sid and the session's start, and takes the new amr",
    previous: sessionWith({ common: loginOf(SUBSTANTIAL, { amr: ['MinID'] }) }),
    client: sso,
    result: proved(pid, SUBSTANTIAL, ['TestID']),
    expected: continues,
  },
  {
    title: 'SSO-05 SSO-06 a step-up by the same person raises the level in the same login',
    previous: sessionWith({ common: loginOf(SUBSTANTIAL, { amr: ['MinID'] }) }),
    client: sso,
    result: proved(pid, HIGH, ['TestID']),
    expected: { ...continues, acr: HIGH },
  },
  {
    title: "SSO-06 a new login at a lower level never lowers the login's level, nor replaces the amr that reached it",
    previous: sessionWith({ common: loginOf(HIGH, { amr: ['MinID'] }) }),
    client: sso,
    result: proved(pid, SUBSTANTIAL, ['TestID']),
    expected: { ...continues, acr: HIGH, amr: ['MinID'] },
  },
  {
    title: "SSO-07 another person's login ends the previous session: a new sid, started now, nothing kept",
    previous: sessionWith({ common: loginOf(HIGH), isolated: isolatedOf(pid, HIGH) }),
    client: sso,
    result: proved(otherPid, SUBSTANTIAL),
    expected: { ...starts, otherPerson: true },
  },
  {
    title: 'SSO-07 SSO-09 a session holding only an isolated login of another person ends too',
    previous: sessionWith({ isolated: isolatedOf(pid, HIGH) }),
    client: sso,
    result: proved(otherPid, SUBSTANTIAL),
    expected: { ...starts, otherPerson: true },
  },
  {
    title: 'SSO-07 SSO-09 another person logging in to an sso_disabled client ends the common login too',
    previous: sessionWith({ common: loginOf(HIGH) }),
    client: isolated,
    result: proved(otherPid, SUBSTANTIAL),
    expected: { ...starts, otherPerson: true, common: undefined, isolated: { [isolatedWeb.id]: 'login' } },
  },
  {
    title: "SSO-08 SSO-09 an sso_disabled client's first login is isolated beside the untouched common login, on the session's timers",
    previous: sessionWith({ common: loginOf(SUBSTANTIAL) }),
    client: isolated,
    result: proved(pid, HIGH),
    expected: { ...continues, sid: 'new', acr: HIGH, common: 'kept', isolated: { [isolatedWeb.id]: 'login' } },
  },
  {
    title: "SSO-08 SSO-06 an sso_disabled client's next login keeps its own sid and raises only its own level",
    previous: sessionWith({ common: loginOf(SUBSTANTIAL), isolated: isolatedOf(pid, SUBSTANTIAL) }),
    client: isolated,
    result: proved(pid, HIGH),
    expected: { ...continues, sid: 'isolated-sid', acr: HIGH, common: 'kept', isolated: { [isolatedWeb.id]: 'login' } },
  },
  {
    title: "SSO-08 SSO-05 an SSO client's login continues the common login and leaves the isolated ones untouched",
    previous: sessionWith({ common: loginOf(SUBSTANTIAL), isolated: isolatedOf(pid, HIGH) }),
    client: sso,
    result: proved(pid, SUBSTANTIAL),
    expected: { ...continues, isolated: { [isolatedWeb.id]: 'kept' } },
  },
];

describe('SSO-05 SSO-06 SSO-07 SSO-08 sessionAfterLogin: previous session, client, result and clock in, session out', () => {
  it.each(titled(loginRows))('%s', (_, { previous, client, result, expected }) => {
    const { record, login: made, otherPerson } = sessionAfterLogin(previous, client, result, nowMs);
    expect(otherPerson).toBe(expected.otherPerson);
    if (expected.sid === 'new') {
      expect(made.sid).toMatch(base64url43);
      expect(previous ? sidsOf(previous) : []).not.toContain(made.sid);
    } else {
      expect(made.sid).toBe(expected.sid);
    }
    expect(made).toEqual({ sid: made.sid, pid: result.pid, acr: expected.acr, amr: expected.amr, auth_time: nowMs / 1000 });
    // SSO-02: every login restarts the idle clock; the absolute one runs from the session's start.
    expect(record.created_at).toBe(expected.createdAt);
    expect(record.last_active_at).toBe(nowMs);
    const source = (which: Source | undefined, before: SessionLogin | undefined) => (which === 'login' ? made : which === 'kept' ? before : undefined);
    expect(record.common).toEqual(source(expected.common, previous?.common));
    expect(record.isolated ?? {}).toEqual(Object.fromEntries(Object.entries(expected.isolated).map(([clientId, which]) => [clientId, source(which, previous?.isolated?.[clientId])])));
  });
});
