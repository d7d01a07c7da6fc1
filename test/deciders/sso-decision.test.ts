// decideSso (src/protocol/sso.ts) called directly, no app and no Redis: a validated request, the
// client, the login it may use (the common one, or its own isolated one: loginFor, as the
// authorize flow picks it) and the clock in; reuse, authenticate (and why) or the prompt=none
// error out. login-and-sso.test.ts proves the same rules through the HTTP surface.
import { describe, expect, it } from 'vitest';
import type { OAuthErrorCode } from '../../src/errors.js';
import type { AuthorizationRequest } from '../../src/protocol/authorize/request.js';
import { loginFor, type SessionLogin, type SessionRecord } from '../../src/protocol/session.js';
import { decideSso, type SsoDecision } from '../../src/protocol/sso.js';
import type { RegisteredClient } from '../../src/registry/client-registry.js';
import {
  HIGH,
  MINUTE,
  SUBSTANTIAL,
  clientRecord,
  confidentialClient,
  demoClientRecords,
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

/** A login of the test person at `acr`, `minutes` old. */
const loginAt = (acr: typeof SUBSTANTIAL | typeof HIGH, minutes: number, sid = 'common-sid'): SessionLogin => ({
  sid,
  pid,
  acr,
  amr: ['TestID'],
  auth_time: (nowMs - minutes * MINUTE) / 1000,
});

/** A live browser session (SSO-02) with a common login and/or isolated ones. */
const sessionWith = (logins: { common?: SessionLogin; isolated?: Record<string, SessionLogin> }): SessionRecord => ({
  created_at: nowMs - 20 * MINUTE,
  last_active_at: nowMs - MINUTE,
  ...logins,
});

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

const substantialSession = sessionWith({ common: loginAt(SUBSTANTIAL, 10) });
const highSession = sessionWith({ common: loginAt(HIGH, 10) });

type Expected = { kind: 'reuse' } | { kind: 'authenticate'; reason: Extract<SsoDecision, { kind: 'authenticate' }>['reason'] } | { kind: 'error'; error: OAuthErrorCode };

interface Row {
  title: string;
  client: RegisteredClient;
  request: Partial<AuthorizationRequest>;
  /** The browser's session; null: none. */
  session: SessionRecord | null;
  expected: Expected;
}

const rows: Row[] = [
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
    session: sessionWith({ isolated: { [isolatedWeb.id]: loginAt(HIGH, 5, 'isolated-sid') } }),
    expected: { kind: 'reuse' },
  },
  {
    title: "SSO-08 an SSO client never uses an isolated client's login",
    client: sso,
    request: {},
    session: sessionWith({ isolated: { [isolatedWeb.id]: loginAt(HIGH, 5, 'isolated-sid') } }),
    expected: { kind: 'authenticate', reason: 'no-session' },
  },
  {
    title: 'SSO-06 SSO-08 an isolated login below the requested level steps up',
    client: isolated,
    request: { acr_minimum: HIGH },
    session: sessionWith({ common: loginAt(HIGH, 5), isolated: { [isolatedWeb.id]: loginAt(SUBSTANTIAL, 5, 'isolated-sid') } }),
    expected: { kind: 'authenticate', reason: 'step-up' },
  },
];

/** What a decision amounts to, with the error reduced to its code. */
const summary = (decision: SsoDecision): Expected => (decision.kind === 'error' ? { kind: 'error', error: decision.error.error } : decision);

describe('SSO-04 SSO-06 SSO-08 AUTHZ-14 decideSso: request, client, usable login and clock in, decision out', () => {
  it.each(titled(rows))('%s', (_, { client, request, session, expected }) => {
    const login = session ? (loginFor(session, client) ?? null) : null;
    expect(summary(decideSso(requestOf(client, request), client, login, nowMs))).toEqual(expected);
  });
});
