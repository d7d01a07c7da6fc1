// What a scope's registry attributes do to the tokens of the code flow (CLIENT-16): at_max_age
// caps expires_in (TOKEN-20), authorization_max_lifetime caps the grant (TOKEN-15),
// requires_pseudonymous_tokens removes pid everywhere (IDT-05, AT-05, UI-03, INTROSPECT-05),
// token_type OPAQUE gives an opaque handle that /userinfo, introspection and revocation accept
// (AT-01), and enforced_aud_for_introspection decides who may introspect (INTROSPECT-04). Through
// HTTP on real Redis, with an injected clock.
import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { tokenFlow } from '../support/token-flow.js';
import { basic, idTokenOf, issuer, orgno, pid, refreshTokenOf, type TestClient } from '../support/vocabulary.js';
const secret = 'scope-rules-api-client-secret-0123456789-ab';
const rsSecret = 'scope-rules-resource-server-secret-0123456789';

const scope = (name: string, extra: Record<string, unknown>) => ({
  name,
  prefix: name.split(':')[0],
  subscope: name.split(':')[1],
  description: `The ${name} API`,
  owner_orgno: orgno,
  allowed_integration_types: ['api_klient'],
  accessible_for_all: true,
  ...extra,
});

const scopes = [
  scope('nav:plain', {}),
  scope('nav:short', { at_max_age: 30 }),
  scope('nav:shorter', { at_max_age: 20 }),
  scope('nav:grantcap', { authorization_max_lifetime: 600 }),
  scope('nav:pseudo', { requires_pseudonymous_tokens: true, enforced_aud_for_introspection: ['rs-a', 'rs-b'] }),
  scope('nav:opaque', { token_type: 'OPAQUE', enforced_aud_for_introspection: ['rs-a', 'rs-b'] }),
  scope('nav:guarded', { enforced_aud_for_introspection: ['rs-a'] }),
  scope('nav:guarded2', { enforced_aud_for_introspection: ['rs-a', 'rs-b'] }),
];

const api: TestClient = { id: 'api-scopes', redirectUri: 'http://localhost:8095/cb', postLogout: 'http://localhost:8095/', auth: { kind: 'basic', secret } };
const resourceServer = (id: string) => ({
  client_id: id,
  client_secret: rsSecret,
  client_name: id,
  client_orgno: orgno,
  integration_type: 'api_klient',
  scopes: ['openid', 'profile', 'idporten:token.introspection'],
  redirect_uris: [`http://${id}.localhost/cb`],
  post_logout_redirect_uris: [`http://${id}.localhost/`],
});
const clients = [
  {
    client_id: api.id,
    client_secret: secret,
    client_name: 'API client with scope rules',
    client_orgno: orgno,
    integration_type: 'api_klient',
    scopes: ['openid', 'profile', ...scopes.map((s) => s.name)],
    grant_types: ['authorization_code', 'refresh_token'],
    refresh_token_usage: 'REUSE',
    access_token_lifetime: 120,
    refresh_token_lifetime: 3600,
    authorization_lifetime: 7200,
    redirect_uris: [api.redirectUri],
    post_logout_redirect_uris: ['http://localhost:8095/'],
  },
  resourceServer('rs-a'),
  resourceServer('rs-b'),
];

let provider: TestProvider;
let now: number;
beforeEach(async () => {
  now = Math.floor(Date.now() / 1000) * 1000;
  provider = await startTestProvider({ clients, scopes, env: { OP_ISSUER: issuer }, clock: () => now });
});
afterEach(async () => provider.close());

const { tokensFor, refresh, userinfoGet, postAs } = tokenFlow({ provider: () => provider, now: () => now });

const introspectAs = (rs: string, token: string): Promise<LightMyRequestResponse> =>
  provider.app.inject({ method: 'POST', url: '/token/introspect', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(rs, rsSecret) }, payload: new URLSearchParams({ token }).toString() });

const withScope = (extra: string) => tokensFor(api, { scope: `openid profile ${extra}` });

describe('TOKEN-20 at_max_age', () => {
  it('TOKEN-20 AT-07 at_max_age caps expires_in and exp; the lowest across the scopes wins', async () => {
    const capped = await withScope('nav:short');
    expect(capped.expires_in).toBe(30);
    expect(decodeJwt(capped.access_token).exp).toBe(now / 1000 + 30);
    expect((await withScope('nav:short nav:shorter')).expires_in).toBe(20);
    expect((await withScope('nav:plain')).expires_in).toBe(120);
  });

  it('TOKEN-20 the cap holds for the access tokens of later refreshes too', async () => {
    const tokens = await withScope('nav:short');
    const refreshed = await refresh(api, refreshTokenOf(tokens));
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json<{ expires_in: number }>().expires_in).toBe(30);
  });
});

describe('CLIENT-16 authorization_max_lifetime', () => {
  it('TOKEN-15 CLIENT-16 authorization_max_lifetime ends the grant before the client authorization_lifetime: no refresh after it', async () => {
    const tokens = await withScope('nav:grantcap');
    now += 590_000;
    const early = await refresh(api, refreshTokenOf(tokens));
    expect(early.statusCode, early.body).toBe(200);
    // The access token of a refresh never outlives the grant.
    expect(early.json<{ expires_in: number }>().expires_in).toBe(10);
    now += 11_000;
    const late = await refresh(api, refreshTokenOf(tokens));
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('IDT-05 AT-05 requires_pseudonymous_tokens', () => {
  it('IDT-05 AT-05 UI-03 INTROSPECT-05 a pseudonymous scope leaves pid out of the id_token, the access token, userinfo and introspection', async () => {
    const tokens = await withScope('nav:pseudo');
    expect(decodeJwt(idTokenOf(tokens)).pid).toBeUndefined();
    expect(decodeJwt(tokens.access_token).pid).toBeUndefined();
    expect(decodeJwt(tokens.access_token).sub).toBe(decodeJwt(idTokenOf(tokens)).sub);
    const info = await userinfoGet(tokens.access_token);
    expect(info.statusCode).toBe(200);
    expect(Object.keys(info.json()).sort()).toEqual(['locale', 'sub']);
    const introspected = (await introspectAs('rs-a', tokens.access_token)).json<Record<string, unknown>>();
    expect(introspected.active).toBe(true);
    expect(introspected.pid).toBeUndefined();
  });

  it('IDT-05 without a pseudonymous scope pid is there', async () => {
    const tokens = await withScope('nav:plain');
    expect(decodeJwt(idTokenOf(tokens)).pid).toBe(pid);
    expect((await userinfoGet(tokens.access_token)).json()).toMatchObject({ pid });
  });
});

describe('AT-01 token_type OPAQUE', () => {
  it('AT-01 UI-01 an OPAQUE scope gives an opaque handle: /userinfo and introspection accept it, and it carries no readable claims', async () => {
    const tokens = await withScope('nav:opaque');
    expect(tokens.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.token_type).toBe('Bearer');
    const info = await userinfoGet(tokens.access_token);
    expect(info.statusCode, info.body).toBe(200);
    expect(info.json()).toEqual({ sub: decodeJwt(idTokenOf(tokens)).sub, pid, locale: 'nb' });
    const introspected = (await introspectAs('rs-b', tokens.access_token)).json<Record<string, unknown>>();
    expect(introspected).toMatchObject({ active: true, token_type: 'Bearer', client_id: api.id, scope: 'openid profile nav:opaque', pid, iss: issuer, client_amr: 'client_secret_basic', expires_in: 120 });
  });

  it('AT-01 an opaque token expires at its exp: then /userinfo refuses it and introspection is inactive', async () => {
    const tokens = await withScope('nav:opaque');
    now += 120_000;
    expect((await userinfoGet(tokens.access_token)).statusCode).toBe(401);
    expect((await introspectAs('rs-a', tokens.access_token)).body).toBe('{"active":false}');
  });

  it('AT-01 REVOKE-03 AT-08 revoking an opaque token revokes its grant: the token and its refresh token stop working', async () => {
    const tokens = await withScope('nav:opaque');
    const revoked = await postAs('/token/revoke', api, { token: tokens.access_token });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await userinfoGet(tokens.access_token)).statusCode).toBe(401);
    expect((await introspectAs('rs-a', tokens.access_token)).body).toBe('{"active":false}');
    expect((await refresh(api, refreshTokenOf(tokens))).statusCode).toBe(400);
  });

  it('AT-01 TOKEN-16 a refresh of an opaque grant gives a new opaque token; revoking the refresh token ends both', async () => {
    const tokens = await withScope('nav:opaque');
    const refreshed = (await refresh(api, refreshTokenOf(tokens))).json<{ access_token: string }>();
    expect(refreshed.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await userinfoGet(refreshed.access_token)).statusCode).toBe(200);
    expect((await postAs('/token/revoke', api, { token: refreshTokenOf(tokens), token_type_hint: 'refresh_token' })).statusCode).toBe(200);
    for (const token of [tokens.access_token, refreshed.access_token]) expect((await userinfoGet(token)).statusCode).toBe(401);
  });

  it('REVOKE-04 another client cannot revoke an opaque token (invalid_grant), and it keeps working', async () => {
    const tokens = await withScope('nav:opaque');
    const foreign = await provider.app.inject({ method: 'POST', url: '/token/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('rs-a', rsSecret) }, payload: new URLSearchParams({ token: tokens.access_token }).toString() });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await userinfoGet(tokens.access_token)).statusCode).toBe(200);
  });
});

describe('INTROSPECT-04 enforced_aud_for_introspection', () => {
  it('INTROSPECT-04 a token carrying a scope with enforced_aud_for_introspection is active only for the clients it names', async () => {
    const tokens = await withScope('nav:guarded');
    expect((await introspectAs('rs-a', tokens.access_token)).json()).toMatchObject({ active: true, scope: 'openid profile nav:guarded' });
    expect((await introspectAs('rs-b', tokens.access_token)).body).toBe('{"active":false}');
  });

  it('INTROSPECT-04 with several restricted scopes the caller must be named by each', async () => {
    const tokens = await withScope('nav:guarded nav:guarded2');
    expect((await introspectAs('rs-a', tokens.access_token)).json()).toMatchObject({ active: true });
    expect((await introspectAs('rs-b', tokens.access_token)).body).toBe('{"active":false}');
  });

  it('INTROSPECT-04 a token none of whose scopes names an introspector is inactive for every client, even one holding idporten:token.introspection', async () => {
    const tokens = await withScope('nav:plain');
    for (const rs of ['rs-a', 'rs-b']) expect((await introspectAs(rs, tokens.access_token)).body).toBe('{"active":false}');
  });
});
