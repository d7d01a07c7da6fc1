// The container health check asks /readyz where the provider listens, whatever OP_HOST is
// (Dockerfile HEALTHCHECK, src/healthcheck.ts); the real command is run against a real process
// by .ci/run.
import { describe, expect, it } from 'vitest';
import { readinessUrl } from '../src/healthcheck.js';

describe('container health check', () => {
  it.each([
    [{}, 'http://127.0.0.1:3000/readyz'],
    [{ OP_HOST: '0.0.0.0', OP_PORT: '3000' }, 'http://127.0.0.1:3000/readyz'],
    [{ OP_HOST: '::', OP_PORT: '8080' }, 'http://[::1]:8080/readyz'],
    [{ OP_HOST: '10.1.2.3', OP_PORT: '3101' }, 'http://10.1.2.3:3101/readyz'],
    [{ OP_HOST: 'fd00::5' }, 'http://[fd00::5]:3000/readyz'],
    [{ OP_HOST: 'provider', OP_PORT: '' }, 'http://provider:3000/readyz'],
  ])('OP_HOST/OP_PORT %j is asked at %s', (env, url) => {
    expect(readinessUrl(env)).toBe(url);
  });
});
