// Connections of the real server process (issue: slow bodies never timed out; shutdown with
// keep-alive clients waited the whole grace period, exited 1 and never closed Redis).
// docs/interface.md, "Operations": a body that has not arrived in full within OP_REQUEST_TIMEOUT
// is answered 408 and the connection closed; on SIGTERM requests in flight are answered with
// Connection: close, idle keep-alive connections are closed, Redis is quit and the process exits 0.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { listeningUrl, startServerProcess, stopServerProcesses, waitForServer, type ServerProcess } from '../support/server-process.js';

const portOf = async (running: ServerProcess): Promise<number> => Number(new URL(await listeningUrl(running)).port);

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
  const started: ServerProcess[] = [];
  afterEach(() => stopServerProcesses(started));

  it('answers a body that does not arrive in full within OP_REQUEST_TIMEOUT with 408 and closes the connection', async () => {
    const running = startServerProcess({ OP_REQUEST_TIMEOUT: '1' });
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
    const running = startServerProcess({ OP_REDIS_URL: testRedisUrl, OP_REDIS_PREFIX: prefix });
    started.push(running);
    try {
      const port = await portOf(running);
      // An idle keep-alive connection that already had its answer.
      const idle = open(port);
      idle.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await waitForServer('the first answer', () => (idle.received().includes('"status":"ok"') ? true : undefined), running);
      // A request in flight when the signal comes: its body is still on the way.
      const inFlight = open(port);
      const body = 'token=abc&token_type_hint=access_token';
      inFlight.socket.write(`POST /token/revoke HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      running.child.kill('SIGTERM');
      await waitForServer('closing line', () => (running.output().includes('"msg":"closing"') ? true : undefined), running);
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
