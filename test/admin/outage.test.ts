// The administration API and the live registry while Redis is away (docs/interface.md,
// "Operations"): API calls are answered 503 temporarily_unavailable at once (never a 500 or a
// hang), the registry last loaded stays in force at every instance, and when Redis is back the
// API and the background refresh resume by themselves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keySpace } from '../../src/store/keys.js';
import { createRedisClient, parseRedisUrl } from '../../src/store/redis-connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { PrivateRedis } from '../operations/private-redis.js';
import type { TestProvider } from '../support/app.js';
import { uniquePrefix } from '../support/redis.js';
import { adminToken, api, eventually, startAdminProvider, webClientInput } from './support.js';

let redis: PrivateRedis;
let provider: TestProvider;

beforeEach(async () => {
  redis = await PrivateRedis.start();
  const prefix = uniquePrefix('admin-outage');
  const topology = parseRedisUrl(redis.url);
  const store = new RedisStore(createRedisClient(topology, { commandTimeoutMs: 500 }), topology, keySpace(prefix).usedMarker);
  await store.connect();
  provider = await startAdminProvider({ store, prefix });
});
afterEach(async () => {
  await provider.close();
  await redis.stop();
});

const authorizeStatus = async (clientId: string): Promise<number> =>
  (
    await provider.app.inject({
      method: 'GET',
      url: `/authorize?client_id=${clientId}&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&response_type=code&scope=openid%20profile&state=s&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    })
  ).statusCode;

describe('the administration API while Redis is away', () => {
  it('ADMIN-01 CLIENT-17 API calls are 503 temporarily_unavailable, the loaded registry stays in force, and all resumes when Redis returns', async () => {
    const token = await adminToken(provider.app);
    const created = (await api(provider.app, token, 'POST', '/api/v1/clients', webClientInput())).json<{ client_id: string }>();
    await redis.stop();
    for (const [method, url, body] of [
      ['GET', '/api/v1/clients', undefined],
      ['POST', '/api/v1/clients', webClientInput()],
      ['DELETE', `/api/v1/clients/${created.client_id}`, undefined],
    ] as const) {
      const refused = await api(provider.app, token, method, url, body);
      expect(refused.statusCode, `${method} ${url}`).toBe(503);
      expect(refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The registry is not emptied by the failing background refresh: the client is still known
    // (the login itself needs the store, so /authorize answers 503 rather than an unknown client).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(provider.app.services.registry.find(created.client_id)).toBeDefined();
    await redis.restart();
    // A fresh Redis holds nothing: the next refresh sees version 0 and empties the API's clients,
    // as every instance would; the API works again without a restart.
    expect(await eventually(async () => (await api(provider.app, token, 'GET', '/api/v1/clients').catch(() => undefined))?.statusCode === 401, 10_000, 200)).toBe(true);
    const again = await adminToken(provider.app);
    expect((await api(provider.app, again, 'POST', '/api/v1/clients', webClientInput())).statusCode).toBe(201);
    expect(await authorizeStatus(created.client_id)).toBe(400);
  }, 30_000);
});
