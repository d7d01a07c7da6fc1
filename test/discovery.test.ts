import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestProvider } from './support/app.js';
import { startTestProvider } from './support/app.js';

describe('discovery and keys over HTTP', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ env: { OP_ISSUER: 'https://login.example.no/idp' } });
  });
  afterAll(async () => provider.close());

  const get = (url: string) => provider.app.inject({ method: 'GET', url });

  it('DISC-01 serves the OpenID configuration as cacheable JSON', async () => {
    const response = await get('/.well-known/openid-configuration');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  it('DISC-03 ENV-01 publishes the configured issuer byte for byte and derives every URL from it', async () => {
    const metadata = (await get('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata.issuer).toBe('https://login.example.no/idp');
    for (const [name, value] of Object.entries(metadata)) {
      if (name.endsWith('_uri') || name.endsWith('_endpoint')) expect(String(value).startsWith('https://login.example.no/idp/'), name).toBe(true);
    }
  });

  it('DISC-01 the RFC 8414 document has the same content', async () => {
    const oidc = await get('/.well-known/openid-configuration');
    const oauth = await get('/.well-known/oauth-authorization-server');
    expect(oauth.statusCode).toBe(200);
    expect(oauth.body).toBe(oidc.body);
  });

  it('DISC-04 advertises only endpoints that are served, and none of the forbidden features', async () => {
    const metadata = (await get('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    for (const [name, value] of Object.entries(metadata)) {
      if (!name.endsWith('_uri') && !name.endsWith('_endpoint')) continue;
      const path = String(value).slice('https://login.example.no/idp'.length);
      const method = name === 'jwks_uri' ? 'GET' : 'POST';
      expect(provider.app.hasRoute({ url: path, method }) || provider.app.hasRoute({ url: path, method: 'GET' }), `${name} ${path}`).toBe(true);
    }
    for (const forbidden of ['registration_endpoint', 'check_session_iframe', 'backchannel_logout_supported', 'request_object_signing_alg_values_supported']) {
      expect(metadata).not.toHaveProperty(forbidden);
    }
    expect(JSON.stringify(metadata)).not.toContain('fragment');
  });

  it('DISC-06 lists the claims the provider issues in claims_supported', async () => {
    const metadata = (await get('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata.claims_supported).toEqual(['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'auth_time', 'acr', 'amr', 'nonce', 'sid', 'pid', 'locale']);
  });

  it('DISC-02 DISC-04 DISC-05 publishes ID-porten\'s document for our host, minus only what is not implemented', async () => {
    const metadata = (await get('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    const base = 'https://login.example.no/idp';
    expect(metadata).toEqual({
      issuer: base,
      authorization_endpoint: `${base}/authorize`,
      pushed_authorization_request_endpoint: `${base}/par`,
      token_endpoint: `${base}/token`,
      userinfo_endpoint: `${base}/userinfo`,
      end_session_endpoint: `${base}/logout`,
      revocation_endpoint: `${base}/token/revoke`,
      introspection_endpoint: `${base}/token/introspect`,
      jwks_uri: `${base}/jwks.json`,
      scopes_supported: ['openid', 'profile'],
      response_types_supported: ['code'],
      // AUTHZ-17: the JARM modes, signed RS256.
      response_modes_supported: ['query', 'form_post', 'query.jwt', 'form_post.jwt'],
      authorization_signing_alg_values_supported: ['RS256'],
      // TOKEN-21: the JWT-bearer grant of machine clients.
      grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      // IDT-11: the eIDAS test login (test mode) gives eidas-loa-* values.
      acr_values_supported: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high', 'eidas-loa-low', 'eidas-loa-substantial', 'eidas-loa-high'],
      // IDT-04: pairwise by default, public for clients registered with subject_type public.
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      revocation_endpoint_auth_signing_alg_values_supported: ['RS256'],
      // INTROSPECT-02 RFC 7662 §4: callers must authenticate.
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      introspection_endpoint_auth_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: ['consent', 'login', 'none'],
      display_values_supported: ['page'],
      ui_locales_supported: ['nb', 'nn', 'en', 'se'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      require_pushed_authorization_requests: false,
      authorization_response_iss_parameter_supported: true,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'auth_time', 'acr', 'amr', 'nonce', 'sid', 'pid', 'locale'],
    });
  });

  it('JWKS-01 serves the public key set at /jwks.json, cacheable, matching the signing keys', async () => {
    const response = await get('/jwks.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const { keys } = response.json<{ keys: Record<string, unknown>[] }>();
    expect(keys).toEqual(provider.context.signingKeys.jwks.keys);
    expect(keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: provider.context.signingKeys.active.kid });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('answers liveness and readiness', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.headers['cache-control']).toBe('no-store');
    expect(ready.json()).toEqual({ status: 'ready', store: 'redis', store_reachable: true, under_pressure: false, signing_keys: 1 });
  });
});

describe('readiness without a store', () => {
  it('ERR-04 /readyz answers 503 while Redis is unreachable', async () => {
    const { RedisStore } = await import('../src/store/redis-store.js');
    const { createRedisClient, parseRedisUrl } = await import('../src/store/redis-connection.js');
    const topology = parseRedisUrl('redis://127.0.0.1:1');
    const client = createRedisClient(topology);
    client.on('error', () => {});
    const unreachable = new RedisStore(client, topology, (k) => `${k}:used`);
    const provider = await startTestProvider({ store: unreachable });
    try {
      const response = await provider.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', store: 'redis', store_reachable: false, under_pressure: false, signing_keys: 1 });
      expect((await provider.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await provider.app.close();
      client.disconnect();
    }
  });
});
