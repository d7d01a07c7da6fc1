// Several instances behind one load balancer share one Redis and the same OP_ISSUER and are
// indistinguishable to clients (docs/interface.md): what one starts, another finishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSharedSecret } from '../src/keys/shared-secret.js';
import { keySpace } from '../src/store/keys.js';
import { createRedisClient, parseRedisUrl } from '../src/store/redis-connection.js';
import { RedisStore } from '../src/store/redis-store.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser, loginThroughBrowser } from './support/browser.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from './support/redis.js';
import { authorizationUrl, basic, pkcePair, web, webSecret } from './support/vocabulary.js';

const redirectUri = web.redirectUri;
const { verifier, challenge } = pkcePair('instances-test-verifier-0123456789-0123456789');

describe('several instances on one Redis', () => {
  const prefix = uniquePrefix('instances');
  let a: TestProvider;
  let b: TestProvider;
  beforeAll(async () => {
    a = await startTestProvider({ prefix });
    b = await startTestProvider({ prefix });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('ENV-01 PAR-08 TOKEN-11 a request pushed to one instance is used at another, its code redeemed at a third hop, and its token accepted everywhere', async () => {
    const pushed = await a.app.inject({
      method: 'POST',
      url: '/par',
      headers: { authorization: basic(web.id, webSecret), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile', state: 's', code_challenge: challenge, code_challenge_method: 'S256' }).toString(),
    });
    expect(pushed.statusCode).toBe(201);
    const { request_uri } = pushed.json<{ request_uri: string }>();
    // The browser lands on instance B for /authorize and the login.
    const { response } = await loginThroughBrowser(new Browser(b.app), `/authorize?client_id=demo-web&request_uri=${encodeURIComponent(request_uri)}`);
    const code = new URL(String(response.headers.location)).searchParams.get('code')!;
    // The client's back channel reaches instance A.
    const token = await a.app.inject({
      method: 'POST',
      url: '/token',
      headers: { authorization: basic(web.id, webSecret), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
    });
    expect(token.statusCode, token.body).toBe(200);
    const { access_token } = token.json<{ access_token: string }>();
    for (const instance of [a, b]) {
      const info = await instance.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: `Bearer ${access_token}` } });
      expect(info.statusCode).toBe(200);
    }
    // The request_uri was used up for both.
    expect((await a.app.inject({ method: 'GET', url: `/authorize?client_id=demo-web&request_uri=${encodeURIComponent(request_uri)}` })).statusCode).toBe(400);
  });
});

describe('shared secrets', () => {
  it('ENV-03 a generated cookie secret is created once and adopted by every later instance on the same Redis; a configured one wins', async () => {
    const prefix = uniquePrefix('secret');
    const topology = parseRedisUrl(testRedisUrl);
    const stores = [new RedisStore(createRedisClient(topology), topology, (k) => `${k}:used`), new RedisStore(createRedisClient(topology), topology, (k) => `${k}:used`)];
    try {
      await Promise.all(stores.map((store) => store.connect()));
      const first = await loadSharedSecret('interaction-cookie', undefined, stores[0]!, keySpace(prefix));
      const second = await loadSharedSecret('interaction-cookie', undefined, stores[1]!, keySpace(prefix));
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(second).toBe(first);
      expect(await loadSharedSecret('interaction-cookie', 'configured-secret-0123456789-0123456789', stores[1]!, keySpace(prefix))).toBe('configured-secret-0123456789-0123456789');
    } finally {
      await deleteKeys(prefix);
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe('an issuer with a path, behind a proxy that strips it', () => {
  it('ENV-01 the login redirect, the interaction cookie and the login form all stay under the issuer path', async () => {
    const provider = await startTestProvider({ env: { OP_ISSUER: 'https://login.example.no/idp' } });
    try {
      const start = await provider.app.inject({
        method: 'GET',
        url: authorizationUrl('/authorize', { clientId: web.id, redirectUri, state: 's', challenge }),
      });
      expect(start.statusCode).toBe(303);
      const location = String(start.headers.location);
      expect(location).toMatch(/^\/idp\/login\/[A-Za-z0-9_-]{22}$/);
      const cookie = (start.cookies as { name: string; value: string; path?: string }[]).find((c) => c.name === 'op_ix')!;
      expect(cookie.path).toBe(location);
      // The proxy forwards /idp/login/<id> as /login/<id>.
      const page = await provider.app.inject({ method: 'GET', url: location.slice('/idp'.length), cookies: { op_ix: cookie.value } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`<form id="login-form" method="post" action="${location}"`);
      expect(page.body).toContain(`href="${location}?lang=en"`);
    } finally {
      await provider.close();
    }
  });
});
