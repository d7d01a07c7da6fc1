// GET /metrics (docs/interface.md, "Operations"): Prometheus text with the request, login, token
// and store families and the process defaults (event-loop lag among them); with OP_METRICS_PORT
// only on its own listener.
import { afterEach, describe, expect, it } from 'vitest';
import { buildMetricsApp } from '../../src/app.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { tokenFlow } from '../support/token-flow.js';
import { web } from '../support/vocabulary.js';

let provider: TestProvider;
afterEach(async () => provider?.close());

const flow = tokenFlow({ provider: () => provider, now: () => Date.now() });

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('metrics', () => {
  it('counts requests by route, logins, issued tokens and store operations, beside the process defaults', async () => {
    provider = await startTestProvider();
    await flow.login(web);
    await flow.login(web);
    const tokens = await flow.login(web);
    await flow.refreshOk(web, tokens.refresh_token);
    const response = await provider.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(sample(text, 'op_http_requests_total{route="/token",method="POST",status="200"}')).toBe(4);
    expect(sample(text, 'op_http_requests_total{route="/login/:interactionId",method="POST",status="303"}')).toBe(3);
    expect(sample(text, 'op_http_request_duration_seconds_count{route="/token"}')).toBe(4);
    expect(sample(text, 'op_http_request_duration_seconds_bucket{route="/token",le="+Inf"}')).toBe(4);
    expect(sample(text, 'op_logins_total{result="success"}')).toBe(3);
    expect(sample(text, 'op_tokens_issued_total{grant_type="authorization_code"}')).toBe(3);
    expect(sample(text, 'op_tokens_issued_total{grant_type="refresh_token"}')).toBe(1);
    // Store latency: a sample of one operation in 16.
    expect(sample(text, 'op_store_operation_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'op_store_errors_total')).toBe(0);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    // Unmatched paths share one series, so scanning random URLs cannot grow the metrics.
    await provider.app.inject({ method: 'GET', url: '/no/such/path/1' });
    await provider.app.inject({ method: 'GET', url: '/no/such/path/2' });
    expect(sample((await provider.app.inject({ method: 'GET', url: '/metrics' })).body, 'op_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(2);
  });

  it('serves /metrics only on its own listener when OP_METRICS_PORT is set', async () => {
    provider = await startTestProvider({ env: { OP_METRICS_PORT: '9464' } });
    expect((await provider.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    const metricsApp = buildMetricsApp(provider.app.services);
    try {
      const response = await metricsApp.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('op_http_requests_total');
      expect((await metricsApp.inject({ method: 'GET', url: '/token' })).statusCode).toBe(404);
    } finally {
      await metricsApp.close();
    }
  });
});
