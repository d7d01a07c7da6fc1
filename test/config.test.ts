import { describe, expect, it } from 'vitest';
import { ConfigError, demoClientsFile, loadConfig } from '../src/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
};

const prodEnv = {
  OP_MODE: 'prod',
  OP_ISSUER: 'https://login.example.no',
  OP_REDIS_URL: 'redis://127.0.0.1:6379',
  OP_SIGNING_KEYS_FILE: '/etc/op/keys.json',
  OP_PAIRWISE_SECRET: 'a-production-pairwise-secret-of-enough-length',
  OP_CLIENTS_FILE: '/etc/op/clients.json',
  OP_COOKIE_SECRET: 'a-production-cookie-secret-of-enough-length',
};

describe('configuration', () => {
  it('starts with embedded defaults when nothing is set (docs/interface.md)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      issuer: 'http://localhost:3000',
      port: 3000,
      host: '127.0.0.1',
      mode: 'test',
      redisUrl: undefined,
      redisPrefix: 'op:',
      clientsFile: demoClientsFile,
      clientsFileIsDemo: true,
      signingKeysFile: undefined,
      pairwiseSecretIsDefault: true,
      logLevel: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('ENV-01 with OP_PORT set and OP_ISSUER unset, the issuer follows the port', () => {
    expect(loadConfig({ OP_PORT: '3101' }).issuer).toBe('http://localhost:3101');
    expect(loadConfig({}).issuer).toBe('http://localhost:3000');
    expect(loadConfig({ OP_PORT: '80' }).issuer).toBe('http://localhost');
    expect(loadConfig({ OP_PORT: '3101', OP_ISSUER: 'https://login.example.no' }).issuer).toBe('https://login.example.no');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ OP_REDIS_URL: '', OP_PORT: '' }).port).toBe(3000);
  });

  it('reads every OP_* variable', () => {
    const config = loadConfig({ ...prodEnv, OP_PORT: '8443', OP_HOST: '0.0.0.0', OP_LOG_LEVEL: 'warn', OP_REDIS_PREFIX: 'idp:' });
    expect(config).toMatchObject({ port: 8443, host: '0.0.0.0', mode: 'prod', logLevel: 'warn', redisPrefix: 'idp:', clientsFileIsDemo: false, pairwiseSecretIsDefault: false });
  });

  it('ENV-01 refuses an issuer with a trailing slash, a query, or a non-canonical form', () => {
    expect(problemsOf({ OP_ISSUER: 'https://login.example.no/' })).toEqual(['OP_ISSUER must not end with a slash (ENV-01)']);
    expect(problemsOf({ OP_ISSUER: 'https://login.example.no?x=1' }).join()).toMatch(/^OP_ISSUER must not contain a query/);
    expect(problemsOf({ OP_ISSUER: 'HTTPS://Login.Example.no' }).join()).toMatch(/OP_ISSUER must be in canonical form/);
    expect(problemsOf({ OP_ISSUER: 'not a url' })).toEqual(['OP_ISSUER must be an absolute URL']);
    expect(problemsOf({ OP_ISSUER: 'ftp://example.no' }).join()).toMatch(/OP_ISSUER must use https/);
    expect(loadConfig({ OP_ISSUER: 'https://login.example.no/idp' }).issuer).toBe('https://login.example.no/idp');
  });

  it('names the variable and the rule for each bad value', () => {
    expect(problemsOf({ OP_PORT: 'eighty' })).toEqual(['OP_PORT must be a whole number from 0 to 65535']);
    expect(problemsOf({ OP_PORT: '70000' })).toEqual(['OP_PORT must be a whole number from 0 to 65535']);
    expect(problemsOf({ OP_MODE: 'production' })).toEqual(['OP_MODE must be "test" or "prod"']);
    expect(problemsOf({ OP_LOG_LEVEL: 'loud' })).toEqual(['OP_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent']);
    expect(problemsOf({ OP_REDIS_URL: 'http://redis:6379' }).join()).toMatch(/^OP_REDIS_URL must start with redis:\/\//);
    expect(problemsOf({ OP_REDIS_PREFIX: 'has space' }).join()).toMatch(/^OP_REDIS_PREFIX must be 1-32 characters/);
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ OP_PORT: '-1', OP_MODE: 'x', OP_LOG_LEVEL: 'y' })).toHaveLength(3);
  });

  it('never repeats a secret value in its messages', () => {
    const secretish = 'short-secret';
    const problems = problemsOf({ OP_PAIRWISE_SECRET: secretish, OP_REDIS_URL: 'tcp://user:hunter2-password@redis' });
    expect(problems.join('\n')).not.toContain(secretish);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems).toContain('OP_PAIRWISE_SECRET must be at least 32 characters (IDT-04)');
  });

  it('ENV-03 prod mode accepts a complete production configuration', () => {
    expect(loadConfig(prodEnv).mode).toBe('prod');
  });

  it('ENV-03 prod mode refuses the embedded store, generated keys, the development pairwise secret, demo clients and http or localhost issuers', () => {
    const problems = problemsOf({ OP_MODE: 'prod', OP_ISSUER: 'http://localhost:3000' });
    expect(problems).toEqual([
      'OP_ISSUER must be https in prod mode (ENV-01, ENV-03)',
      'OP_ISSUER must not be a localhost address in prod mode (ENV-03)',
      'OP_REDIS_URL is required in prod mode: the embedded store is single-instance and test-only (ENV-03)',
      'OP_SIGNING_KEYS_FILE is required in prod mode: generated keys are test-only (ENV-03)',
      'OP_PAIRWISE_SECRET is required in prod mode (IDT-04)',
      'OP_COOKIE_SECRET is required in prod mode: generated secrets are test-only (ENV-03)',
      'OP_CLIENTS_FILE is required in prod mode: the demo clients are test-only (ENV-03)',
    ]);
  });
});
