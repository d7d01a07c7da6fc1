// Connections of the real server process (issue: slow bodies never timed out; shutdown with
// keep-alive clients waited the whole grace period, exited 1 and never closed Redis).
// docs/interface.md, "Operations": a body that has not arrived in full within OP_REQUEST_TIMEOUT
// is answered 408 and the connection closed; on SIGTERM requests in flight are answered with
// Connection: close, idle keep-alive connections are closed, Redis is quit and the process exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const serverEntry = join(process.cwd(), 'src', 'server.ts');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Running {
  const child = spawn(tsx, [serverEntry], { env: { PATH: process.env.PATH ?? '', OP_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function until<T>(what: string, probe: () => T | undefined, running: Running): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = probe();
    if (value !== undefined) return value;
    if (running.child.exitCode !== null) throw new Error(`server exited while waiting for ${what}: ${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${what}: ${running.output()}`);
}

const portOf = (running: Running): Promise<number> =>
  until('listening line', () => {
    const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(running.output());
    return match ? Number(match[1]) : undefined;
  }, running);

/** A raw connection: what the server sent so far, and whether it closed. */
function open(port: number): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received: () => text, closed };
}

describe('connections of the server process', () => {
  const started: Running[] = [];
  // SIGTERM first: tsx passes it on to the server, which exits; a SIGKILL to tsx alone would leave
  // the server process running with no parent.
  afterEach(async () => {
    for (const running of started.splice(0)) {
      if (running.child.exitCode !== null || running.child.signalCode !== null) continue;
      running.child.kill('SIGTERM');
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 6000);
      await running.exited;
      clearTimeout(timer);
    }
  });

  it('answers a body that does not arrive in full within OP_REQUEST_TIMEOUT with 408 and closes the connection', async () => {
    const running = start({ OP_REQUEST_TIMEOUT: '1' });
    started.push(running);
    const port = await portOf(running);
    const slow = open(port);
    slow.socket.write('POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type');
    // Bounded wait, not a speed test: the answer comes after the configured second or never.
    const outcome = await Promise.race([slow.closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 15_000))]);
    expect(outcome).toBe('closed');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it('on SIGTERM answers the request in flight with Connection: close, closes idle keep-alive connections, quits Redis and exits 0', async () => {
    const prefix = uniquePrefix('shutdown');
    const running = start({ OP_REDIS_URL: testRedisUrl, OP_REDIS_PREFIX: prefix });
    started.push(running);
    try {
      const port = await portOf(running);
      // An idle keep-alive connection that already had its answer.
      const idle = open(port);
      idle.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await until('the first answer', () => (idle.received().includes('"status":"ok"') ? true : undefined), running);
      // A request in flight when the signal comes: its body is still on the way.
      const inFlight = open(port);
      const body = 'token=abc&token_type_hint=access_token';
      inFlight.socket.write(`POST /token/revoke HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      running.child.kill('SIGTERM');
      await until('closing line', () => (running.output().includes('"msg":"closing"') ? true : undefined), running);
      inFlight.socket.write(body.slice(5));
      // The client keeps both connections open; the server must end them itself.
      expect(await running.exited).toBe(0);
      await Promise.all([idle.closed, inFlight.closed]);
      expect(inFlight.received()).toMatch(/^HTTP\/1\.1 401 /);
      expect(inFlight.received().toLowerCase()).toContain('connection: close');
      expect(running.output()).toContain('"msg":"closed"');
    } finally {
      await deleteKeys(prefix);
    }
  }, 30_000);
});
