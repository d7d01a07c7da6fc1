// The real process: start-up, refusal of bad configuration, graceful shutdown.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteKeys, testRedisUrl, uniquePrefix } from './support/redis.js';
import { listeningUrl, startServerProcess, stopServerProcesses, type ServerProcess } from './support/server-process.js';

describe('server process', () => {
  const started: ServerProcess[] = [];
  afterEach(() => stopServerProcesses(started));

  it('ENV-03 starts with no configuration in test mode on the embedded store and says so', async () => {
    const running = startServerProcess({});
    started.push(running);
    const url = await listeningUrl(running);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'memory' });
    expect(running.output()).toContain('"store":"embedded in-process store"');
    expect(running.output()).toContain('demo clients');
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('"msg":"closing"');
  }, 30_000);

  it('a busy port stops start-up with one line naming OP_PORT, no stack trace', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const running = startServerProcess({ OP_PORT: String(port) });
      started.push(running);
      expect(await running.exited).toBe(78);
      expect(running.output()).toContain(`OP_PORT ${port} on 127.0.0.1 is already in use`);
      expect(running.output()).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 30_000);

  it('ENV-01 with OP_PORT set and OP_ISSUER unset, the provider advertises the port it listens on', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const running = startServerProcess({ OP_PORT: String(port) });
    started.push(running);
    const url = await listeningUrl(running);
    const metadata = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(metadata.issuer).toBe(`http://localhost:${port}`);
    expect(running.output()).toContain(`provider ready at http://localhost:${port}`);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 30_000);

  it('starts on Redis and reports it ready', async () => {
    const prefix = uniquePrefix('server');
    const running = startServerProcess({ OP_REDIS_URL: testRedisUrl, OP_REDIS_PREFIX: prefix });
    started.push(running);
    try {
      const url = await listeningUrl(running);
      expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', store: 'redis', store_reachable: true });
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
      await deleteKeys(prefix);
    }
  }, 30_000);

  it('ENV-03 refuses to start in prod mode without the production settings, naming each variable', async () => {
    const running = startServerProcess({ OP_MODE: 'prod', OP_PAIRWISE_SECRET: 'tiny' });
    expect(await running.exited).toBe(78);
    expect(running.output()).toContain('OP_REDIS_URL is required in prod mode');
    expect(running.output()).toContain('OP_PAIRWISE_SECRET must be at least 32 characters');
    expect(running.output()).not.toContain('tiny');
  }, 30_000);

  it('stops with a clear message when Redis cannot be reached, without the password', async () => {
    const running = startServerProcess({ OP_REDIS_URL: 'redis://:topsecretpw@127.0.0.1:1/0' });
    expect(await running.exited).toBe(78);
    expect(running.output()).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0/);
    expect(running.output()).not.toContain('topsecretpw');
  }, 30_000);

  it('CLIENT-01 stops with every broken client record named', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'op-clients-')), 'clients.json');
    writeFileSync(path, JSON.stringify([{ client_id: 'a' }, { client_id: 'b', colour: 'red' }]));
    const running = startServerProcess({ OP_CLIENTS_FILE: path });
    expect(await running.exited).toBe(78);
    expect(running.output()).toContain('client "a" field client_orgno');
    expect(running.output()).toContain('client "b" field colour: is not a client record field (CLIENT-01)');
  }, 30_000);
});
