// scripts/bench/stack-floor.ts, the base of `npm run bench:compare -- --base stack-floor`: the
// provider's libraries doing only the flow's unavoidable work. Its figures in the README mean
// something only if it answers the benchmark's flow (scripts/bench/code-flow.ts) as the provider
// does, so that is what is checked here, against real Redis. No timing is measured or asserted.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeFlow, demoWebBasic, type Sink } from '../scripts/bench/code-flow.js';
import { testRedisUrl } from './support/redis.js';
import { listeningUrl, startServerProcess, stopServerProcesses, type ServerProcess } from './support/server-process.js';

const started: ServerProcess[] = [];
afterAll(() => stopServerProcesses(started));

const startStackFloor = (): ServerProcess => {
  const running = startServerProcess({ OP_REDIS_URL: testRedisUrl }, join(process.cwd(), 'scripts', 'bench', 'stack-floor.ts'));
  started.push(running);
  return running;
};

describe('bench stack floor', () => {
  it('answers the benchmark flow the provider answers: six requests, the test person at /userinfo', async () => {
    const issuer = await listeningUrl(startStackFloor());
    const sink: Sink = { flows: [], requests: [] };
    await codeFlow(issuer, sink);
    await codeFlow(issuer, sink);
    expect(sink.requests).toHaveLength(12);
  });

  it('refuses a code it never issued (invalid_grant), as the provider does', async () => {
    const issuer = await listeningUrl(startStackFloor());
    const answer = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: demoWebBasic },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'never-issued', code_verifier: 'x' }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid_grant' });
  });
});
