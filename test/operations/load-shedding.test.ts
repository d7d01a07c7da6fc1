// Load shedding (docs/interface.md, "Operations"): while the event loop lags beyond
// OP_MAX_EVENT_LOOP_DELAY_MS, requests are answered 503 temporarily_unavailable with Retry-After
// (JSON on API endpoints, the error page on browser endpoints) and /readyz says 503; health,
// readiness and metrics are never shed. The lag is made by blocking the event loop; the sampling
// interval is short so the test need not wait.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { authorizeQuery } from '../support/token-flow.js';
import { expectOAuthError, spa } from '../support/vocabulary.js';

let provider: TestProvider;
let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
  await provider?.close();
});

/**
 * Block the event loop, then let the sampler see it: its timer is overdue, so it runs before
 * this later one, and the lag it measured holds until its next sample (200 ms on).
 */
async function lag(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Lag until the sampler reports it. Which of the delay monitor and the sampler sees the blocked
 * loop first is up to the timers' order, so on a busy machine one lag can fall into the next
 * window; lag again until /readyz says the provider is under pressure (the state then holds until
 * the next sample, 200 ms on).
 */
async function lagUntilShedding(app: FastifyInstance): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await lag(400);
    if ((await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 503) return;
  }
  throw new Error('the sampler never saw the lag');
}

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop lags, and /readyz says so; health and metrics still answer', async () => {
    provider = await startTestProvider({ env: { OP_MAX_EVENT_LOOP_DELAY_MS: '5' } });
    app = await buildApp(provider.context, { loadSampleIntervalMs: 200 });
    await app.ready();
    // Start-up itself lags the loop; wait until the sampler has seen a quiet moment.
    for (let attempt = 0; (await app.inject({ method: 'GET', url: '/readyz' })).statusCode !== 200; attempt++) {
      if (attempt > 200) throw new Error('never ready');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await lagUntilShedding(app);
    const token = await app.inject({ method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=authorization_code' });
    expectOAuthError(token, 503, 'temporarily_unavailable');
    expect(Number(token.headers['retry-after'])).toBeGreaterThan(0);

    await lagUntilShedding(app);
    const page = await app.inject({ method: 'GET', url: `/authorize?${authorizeQuery(spa, 'v'.repeat(43))}` });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('<code id="op-error-code">temporarily_unavailable</code>');

    await lagUntilShedding(app);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', under_pressure: true, store_reachable: true });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^op_load_shed_total [1-9]/m);
  });

  it('sheds nothing when OP_MAX_EVENT_LOOP_DELAY_MS is 0', async () => {
    provider = await startTestProvider({ env: { OP_MAX_EVENT_LOOP_DELAY_MS: '0' } });
    app = await buildApp(provider.context, { loadSampleIntervalMs: 25 });
    await lag(400);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
