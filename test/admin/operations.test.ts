// The administration API as operators see it: its rate limit, its metrics, its variables, and a log
// that never holds a secret or a token (docs/interface.md "Administration API", "Operations").
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { adminToken, api, startAdminProvider, webClientInput } from './support.js';

const clients = '/api/v1/clients';

describe('the administration API in operation', () => {
  it('ADMIN-01 requests beyond OP_RATE_LIMIT_ADMIN_API a minute from one address are 429 with Retry-After', async () => {
    const provider = await startAdminProvider({ env: { OP_RATE_LIMIT_ADMIN_API: '3' } });
    try {
      const token = await adminToken(provider.app);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await api(provider.app, token, 'GET', clients));
      expect(statuses.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
      expect(statuses[3]!.headers['retry-after']).toMatch(/^\d+$/);
      expect(statuses[3]!.json()).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      await provider.close();
    }
  });

  it('ADMIN-01 CLIENT-06 changes are counted in op_registry_changes_total; the log never holds the secret or the token', async () => {
    let log = '';
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const provider = await startAdminProvider({ env: { OP_LOG_LEVEL: 'debug' }, logStream });
    try {
      const token = await adminToken(provider.app);
      const created = (await api(provider.app, token, 'POST', clients, webClientInput())).json<{ client_id: string; client_secret: string }>();
      const rotated = (await api(provider.app, token, 'POST', `${clients}/${created.client_id}/secret`)).json<{ client_secret: string }>();
      await api(provider.app, token, 'POST', clients, webClientInput({ redirect_uris: ['ftp://x'] }));
      const metrics = (await provider.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('op_registry_changes_total{event="client_created"} 1');
      expect(metrics).toContain('op_registry_changes_total{event="client_secret_rotated"} 1');
      expect(metrics).toMatch(/op_registry_reloads_total \d+/);
      await provider.app.close();
      expect(log).toContain(created.client_id);
      for (const secret of [created.client_secret, rotated.client_secret, token]) expect(log).not.toContain(secret);
    } finally {
      await provider.close();
    }
  });

  it('CLIENT-06 OP_CLIENT_SECRET_MAX_LIFETIME_DAYS above 360 stops start-up naming the variable', () => {
    expect(() => loadConfig({ OP_CLIENT_SECRET_MAX_LIFETIME_DAYS: '361' })).toThrow(ConfigError);
    expect(() => loadConfig({ OP_CLIENT_SECRET_MAX_LIFETIME_DAYS: '361' })).toThrow(/OP_CLIENT_SECRET_MAX_LIFETIME_DAYS must be a whole number of days from 1 to 360/);
    expect(loadConfig({}).clientSecretMaxLifetimeDays).toBe(360);
  });
});
