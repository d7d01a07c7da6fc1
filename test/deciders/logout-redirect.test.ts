// decideLogoutRedirect (src/protocol/logout.ts) called directly, no app and no Redis: the logout
// parameters, the verified id_token_hint, the browser's session and the registry in; the
// post-logout redirect or the reason there is none out. Each row starts from a request that
// redirects and breaks one thing, so each of the three LOGOUT-04 conditions is shown failing
// alone. logout.test.ts proves the same rules (and the hint's verification) through HTTP.
import { describe, expect, it } from 'vitest';
import { decideLogoutRedirect, type LogoutParameters, type VerifiedHint } from '../../src/protocol/logout.js';
import type { SessionLogin, SessionRecord } from '../../src/protocol/session.js';
import {
  MINUTE,
  SUBSTANTIAL,
  clientRecord,
  confidentialClient,
  demoClientRecords,
  isolatedWeb,
  isolatedWebRecord,
  pid,
  registryOf,
  spa,
  titled,
  web,
  type TestClient,
} from '../support/vocabulary.js';

const retired = confidentialClient('retired', 'https://retired.example', 'retired-client-secret-0123456789-012345');
/** A post-logout URI with a query of its own. */
const withQuery: TestClient = { ...confidentialClient('query-rp', 'https://query.example', 'query-rp-client-secret-0123456789-abcdef'), postLogout: 'https://query.example/bye?tenant=a' };

const registry = registryOf([
  ...demoClientRecords,
  isolatedWebRecord,
  { ...clientRecord(retired), client_name: 'Retired Service', active: false },
  { ...clientRecord(withQuery), client_name: 'Query RP' },
]);

const nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);
const loginOf = (sid: string): SessionLogin => ({ sid, pid, acr: SUBSTANTIAL, amr: ['TestID'], auth_time: (nowMs - 10 * MINUTE) / 1000 });

/** The browser's live session: the common login, and isolated-web's isolated one (SSO-08). */
const session: SessionRecord = {
  created_at: nowMs - 20 * MINUTE,
  last_active_at: nowMs - MINUTE,
  common: loginOf('common-sid'),
  isolated: { [isolatedWeb.id]: loginOf('isolated-sid') },
};

/** demo-web's id_token of the common login (demo-web registered frontchannel_logout_session_required, so it carries sid). */
const webHint: VerifiedHint = { client_id: web.id, sid: 'common-sid' };

interface Row {
  title: string;
  parameters: LogoutParameters;
  hint: VerifiedHint | undefined;
  session: SessionRecord | null;
  /** The redirect, or the reason there is none. */
  expected: { redirect: string } | { reason: RegExp };
}

/** demo-web logging out with its hint from the live session, its registered URI and state bye-1; `changes` replace. */
const fromWeb = (changes: Partial<Row> & { title: string; expected: Row['expected'] }): Row => ({
  parameters: { post_logout_redirect_uri: web.postLogout, state: 'bye-1' },
  hint: webHint,
  session,
  ...changes,
});

const rows: Row[] = [
  fromWeb({ title: 'LOGOUT-04 LOGOUT-05 a valid hint, a live session holding its sid and a registered URI: redirect there with state', expected: { redirect: `${web.postLogout}?state=bye-1` } }),
  fromWeb({ title: 'LOGOUT-04 without state: redirect to the registered URI as it is', parameters: { post_logout_redirect_uri: web.postLogout }, expected: { redirect: web.postLogout } }),
  fromWeb({ title: 'LOGOUT-02 without post_logout_redirect_uri there is nowhere to go', parameters: { state: 'bye-1' }, expected: { reason: /no post_logout_redirect_uri/ } }),

  // LOGOUT-04 (a): an id_token_hint we issued, naming an active client.
  fromWeb({ title: 'LOGOUT-04 (a) without a valid id_token_hint: no redirect', hint: undefined, expected: { reason: /no valid id_token_hint \(LOGOUT-04 a\)/ } }),
  fromWeb({
    title: 'LOGOUT-04 (a) CLIENT-17 a hint naming an inactive client: no redirect, even to its registered URI',
    parameters: { post_logout_redirect_uri: retired.postLogout },
    hint: { client_id: retired.id },
    expected: { reason: /names no active client \(LOGOUT-04 a\)/ },
  }),
  fromWeb({ title: 'LOGOUT-04 (a) a hint naming an unknown client: no redirect', hint: { client_id: 'no-such-client', sid: 'common-sid' }, expected: { reason: /names no active client \(LOGOUT-04 a\)/ } }),
  // LOGOUT-03: client_id, when sent, must agree with the hint.
  fromWeb({
    title: "LOGOUT-03 a client_id that differs from the hint's aud: no redirect, even to the hint client's URI",
    parameters: { post_logout_redirect_uri: web.postLogout, client_id: spa.id },
    expected: { reason: /client_id differs from the hint \(LOGOUT-03\)/ },
  }),
  fromWeb({ title: "LOGOUT-03 a client_id equal to the hint's aud: redirect", parameters: { post_logout_redirect_uri: web.postLogout, client_id: web.id }, expected: { redirect: web.postLogout } }),

  // LOGOUT-04 (b): the browser's session exists and holds the hint's sid.
  fromWeb({ title: 'LOGOUT-04 (b) LOGOUT-06 no session in this browser: no redirect', session: null, expected: { reason: /no session in this browser \(LOGOUT-04 b\)/ } }),
  fromWeb({ title: "LOGOUT-04 (b) a hint whose sid is not this session's: no redirect", hint: { client_id: web.id, sid: 'ended-sid' }, expected: { reason: /belongs to another session \(LOGOUT-04 b\)/ } }),
  fromWeb({
    title: "LOGOUT-04 (b) SSO-09 a hint carrying the sid of this session's isolated login: redirect",
    parameters: { post_logout_redirect_uri: isolatedWeb.postLogout },
    hint: { client_id: isolatedWeb.id, sid: 'isolated-sid' },
    expected: { redirect: isolatedWeb.postLogout },
  }),
  fromWeb({
    title: 'LOGOUT-04 (b) IDT-10 a hint without sid (a client without frontchannel_logout_session_required) needs only a session: redirect',
    parameters: { post_logout_redirect_uri: spa.postLogout },
    hint: { client_id: spa.id },
    expected: { redirect: spa.postLogout },
  }),
  fromWeb({ title: 'LOGOUT-04 (b) a hint without sid and no session: no redirect', parameters: { post_logout_redirect_uri: spa.postLogout }, hint: { client_id: spa.id }, session: null, expected: { reason: /no session in this browser/ } }),

  // LOGOUT-04 (c): the URI is exactly one the hint's client registered.
  fromWeb({ title: "LOGOUT-04 (c) CLIENT-10 another client's post_logout_redirect_uri: no redirect", parameters: { post_logout_redirect_uri: spa.postLogout }, expected: { reason: /not registered \(LOGOUT-04 c\)/ } }),
  fromWeb({ title: 'LOGOUT-04 (c) CLIENT-10 the registered URI with a trailing slash is no exact match: no redirect', parameters: { post_logout_redirect_uri: `${web.postLogout}/` }, expected: { reason: /not registered \(LOGOUT-04 c\)/ } }),
  fromWeb({ title: 'LOGOUT-04 (c) CLIENT-10 the registered URI with an extra query is no exact match: no redirect', parameters: { post_logout_redirect_uri: `${web.postLogout}?x=1` }, expected: { reason: /not registered \(LOGOUT-04 c\)/ } }),

  // LOGOUT-05: state, URL-encoded, only when it is printable ASCII.
  fromWeb({
    title: 'LOGOUT-05 state with spaces, &, =, % and + is returned URL-encoded',
    parameters: { post_logout_redirect_uri: web.postLogout, state: 'a b&c=d%e+f' },
    expected: { redirect: `${web.postLogout}?state=a+b%26c%3Dd%25e%2Bf` },
  }),
  fromWeb({
    title: 'LOGOUT-05 a registered URI with a query of its own keeps it and gets state after &',
    parameters: { post_logout_redirect_uri: withQuery.postLogout, state: 'bye-1' },
    hint: { client_id: withQuery.id },
    expected: { redirect: 'https://query.example/bye?tenant=a&state=bye-1' },
  }),
  ...(
    [
      ['non-ASCII', 'blåbærsyltetøy'],
      ['a tab', 'a\tb'],
      ['a newline', 'a\nb'],
      ['DEL', 'a\x7Fb'],
      ['a NUL', 'a\x00b'],
    ] as const
  ).map(([what, state]) => fromWeb({ title: `LOGOUT-05 a state with ${what} is dropped: redirect without state`, parameters: { post_logout_redirect_uri: web.postLogout, state }, expected: { redirect: web.postLogout } })),
];

describe('LOGOUT-03 LOGOUT-04 LOGOUT-05 decideLogoutRedirect: parameters, hint, session and registry in, redirect or reason out', () => {
  it.each(titled(rows))('%s', (_, { parameters, hint, session: browserSession, expected }) => {
    const decision = decideLogoutRedirect(parameters, hint, browserSession, registry);
    if ('redirect' in expected) {
      expect(decision).toEqual({ redirect: expected.redirect });
    } else {
      expect(decision.redirect).toBeUndefined();
      expect('reason' in decision ? decision.reason : undefined).toMatch(expected.reason);
    }
  });
});
