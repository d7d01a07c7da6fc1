// npm run abuse: a soak-and-abuse run against the built provider in its own process (not part of
// npm test). For --seconds (60) a crowd of attackers floods /par, /authorize and /token with the
// largest and the oversized requests, wrong client secrets and made-up codes, while slow clients
// dribble request bodies. Every 5 s it samples the provider's RSS, the store's memory and the
// answers so far. At the end it prints the samples and a summary, and exits 1 if any answer was
// a 5xx, if no 429 was served, or if memory kept growing.
//   npm run abuse -- [--seconds 60] [--attackers 40] [--store redis|memory] [--addresses many|one] [--slow 50]
// --addresses many (default) sends each request from a random X-Forwarded-For address, with the
// provider trusting the loopback proxy (OP_TRUST_PROXY): a botnet, against which only the
// per-client limits bound what is kept. --addresses one is a single abusive host.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const seconds = Number(args.get('seconds') ?? 60);
const attackers = Number(args.get('attackers') ?? 40);
const storeKind = args.get('store') ?? 'redis';
const manyAddresses = (args.get('addresses') ?? 'many') === 'many';
const slowClients = Number(args.get('slow') ?? 50);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

let redisUrl: string | undefined;
let redis: Redis | undefined;
if (storeKind === 'redis') {
  const redisPort = await freePort();
  children.push(spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  redisUrl = `redis://127.0.0.1:${redisPort}`;
  redis = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => 50 });
  redis.on('error', () => {});
  const ready = () => (redis as Redis).status === 'ready';
  for (let i = 0; i < 100 && !ready(); i++) {
    await redis.connect().catch(() => {});
    if (!ready()) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const port = await freePort();
const issuer = `http://127.0.0.1:${port}`;
const entry = new URL('../dist/server.js', import.meta.url).pathname;
const server = spawn(process.execPath, [entry], {
  env: {
    ...process.env,
    OP_ISSUER: issuer,
    OP_PORT: String(port),
    OP_LOG_LEVEL: process.env.OP_LOG_LEVEL ?? 'warn',
    ...(redisUrl ? { OP_REDIS_URL: redisUrl } : {}),
    ...(manyAddresses ? { OP_TRUST_PROXY: '127.0.0.1' } : {}),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
children.push(server);
for (let i = 0; i < 200; i++) {
  const up = await fetch(`${issuer}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
  if (up) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const rssMb = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const storeMb = async (): Promise<number | null> => {
  if (!redis) return null;
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024;
};

// What the attackers send.
const webBasic = `Basic ${Buffer.from('demo-web:not-the-secret-0123456789-0123456789').toString('base64')}`;
const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
const longResource = (i: number) => `https://api${i}.example.no/${randomBytes(380).toString('hex')}`;
function largestRequest(): URLSearchParams {
  // Just under 8 KB of parameters: the largest request the bounds accept, random so nothing compresses.
  const query = new URLSearchParams({
    client_id: 'demo-spa',
    redirect_uri: 'http://localhost:5173/callback',
    response_type: 'code',
    scope: 'openid profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(1000).toString('hex'),
    nonce: randomBytes(250).toString('hex'),
  });
  for (let i = 0; i < 5; i++) query.append('resource', longResource(i));
  return query;
}
function oversizedRequest(): URLSearchParams {
  // The request of the finding: a 2,000-character state and 30 long resource values (~63 KB).
  const query = largestRequest();
  query.set('state', randomBytes(1000).toString('hex'));
  query.delete('resource');
  for (let i = 0; i < 30; i++) query.append('resource', `https://api${i}.example.no/${randomBytes(1000).toString('hex')}`);
  return query;
}
const address = () => (manyAddresses ? `198.${Math.floor(Math.random() * 64)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}` : undefined);

const statuses = new Map<string, number>();
const note = (kind: string, status: number | string) => {
  const key = `${kind} ${status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
};

const attacks: [string, () => Promise<Response>][] = [
  ['par largest', () => fetch(`${issuer}/par`, { method: 'POST', headers: xff(), body: largestRequest() })],
  ['par oversized', () => fetch(`${issuer}/par`, { method: 'POST', headers: xff(), body: oversizedRequest() })],
  ['authorize largest', () => fetch(`${issuer}/authorize?${largestRequest()}`, { redirect: 'manual', headers: xff() })],
  ['authorize normal', () => fetch(`${issuer}/authorize?client_id=demo-spa&redirect_uri=${encodeURIComponent('http://localhost:5173/callback')}&response_type=code&scope=openid&state=s&code_challenge=${challenge}&code_challenge_method=S256`, { redirect: 'manual', headers: xff() })],
  ['token wrong secret', () => fetch(`${issuer}/token`, { method: 'POST', headers: { authorization: webBasic, ...xff() }, body: new URLSearchParams({ grant_type: 'authorization_code', code: randomBytes(32).toString('base64url'), redirect_uri: 'http://localhost:8080/callback' }) })],
  ['token made-up code', () => fetch(`${issuer}/token`, { method: 'POST', headers: xff(), body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'demo-spa', code: randomBytes(32).toString('base64url'), redirect_uri: 'http://localhost:5173/callback', code_verifier: randomBytes(32).toString('base64url') }) })],
];
function xff(): Record<string, string> {
  const from = address();
  return from ? { 'x-forwarded-for': from } : {};
}

// Slow clients: a body announced as 1000 bytes of which 10 arrive, then nothing.
let slowAnswered408 = 0;
let slowClosed = 0;
const slowSockets: Socket[] = [];
for (let i = 0; i < slowClients; i++) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.on('close', () => {
    slowClosed++;
    if (text.startsWith('HTTP/1.1 408')) slowAnswered408++;
  });
  socket.write('POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type');
  slowSockets.push(socket);
}

interface Sample {
  at_s: number;
  rss_mb: number;
  store_mb: number | null;
  requests: number;
  answered_429: number;
  answered_5xx: number;
}
const samples: Sample[] = [];
const count = (predicate: (status: string) => boolean) => [...statuses].filter(([key]) => predicate(key.split(' ').pop()!)).reduce((sum, [, n]) => sum + n, 0);
const start = performance.now();
async function sample(): Promise<void> {
  samples.push({
    at_s: Math.round((performance.now() - start) / 1000),
    rss_mb: Math.round(rssMb()),
    store_mb: (await storeMb()) === null ? null : Math.round((await storeMb())! * 10) / 10,
    requests: count(() => true),
    answered_429: count((s) => s === '429'),
    answered_5xx: count((s) => s.startsWith('5')),
  });
}
await sample();
const sampler = setInterval(() => void sample(), 5000);

const end = Date.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: attackers }, async (_, n) => {
    for (let i = n; Date.now() < end; i++) {
      const [kind, attack] = attacks[i % attacks.length]!;
      try {
        const response = await attack();
        await response.arrayBuffer();
        note(kind, response.status);
      } catch (error) {
        note(kind, `failed(${(error as Error).message})`);
      }
    }
  }),
);
clearInterval(sampler);
await sample();
for (const socket of slowSockets) socket.destroy();

const alive = server.exitCode === null;
const [first, last] = [samples[1] ?? samples[0]!, samples.at(-1)!];
const half = samples[Math.floor(samples.length / 2)]!;
const fiveXx = last.answered_5xx;
const refused = last.answered_429;
// Bounded: the second half of the run adds less than the first did (the limits hold what is kept).
const growthFirst = half.rss_mb - first.rss_mb;
const growthSecond = last.rss_mb - half.rss_mb;
const rssBounded = growthSecond <= Math.max(20, growthFirst);
const storeBounded = last.store_mb === null || half.store_mb === null || last.store_mb - half.store_mb <= Math.max(20, half.store_mb - (first.store_mb ?? 0));

console.log(JSON.stringify({ seconds, attackers, store: storeKind, addresses: manyAddresses ? 'many (X-Forwarded-For)' : 'one', samples }, null, 2));
console.log('\nanswers by kind:');
for (const [key, n] of [...statuses].sort()) console.log(`  ${key.padEnd(32)} ${n}`);
console.log(`\nslow clients: ${slowClients}, answered 408: ${slowAnswered408}, closed: ${slowClosed}`);
console.log(`provider alive: ${alive}; 5xx: ${fiveXx}; 429: ${refused}; RSS ${first.rss_mb} -> ${last.rss_mb} MB (bounded: ${rssBounded}); store ${first.store_mb ?? '-'} -> ${last.store_mb ?? '-'} MB (bounded: ${storeBounded})`);
redis?.disconnect();
server.kill('SIGTERM');
const ok = alive && fiveXx === 0 && refused > 0 && rssBounded && storeBounded;
console.log(ok ? 'abuse: passed' : 'abuse: FAILED');
process.exit(ok ? 0 : 1);
