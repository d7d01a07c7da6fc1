// npm run bench: a scenario against a provider running in its own process on Redis, reporting
// flows (or tokens) per second, server CPU per flow (from /proc), Redis commands per flow (INFO
// commandstats), Redis round trips per flow (data segments the provider sent to Redis, from `ss`:
// every auto-pipelined batch is one write) and latency percentiles. Loopback only; bounded by
// --seconds. Needs `npm run build`.
//   npm run bench -- [--scenario code] [--concurrency 10] [--seconds 20] [--warmup 3] [--server-cpu 0]
// Scenarios:
//   code          the full flow of the brief: PAR -> authorize -> login page -> login -> redirect ->
//                 token -> userinfo, with the demo clients (the default)
//   machine-key   the JWT-bearer grant (TOKEN-21) of a machine client with a registered key (kid)
//   machine-cert  the JWT-bearer grant of a machine client with a business certificate chain (x5c)
// --server-cpu N pins the provider to that one core (taskset), as in the target "on one core".
// Redis: a private redis-server on a free port (no other traffic in the counts) unless
// OP_TEST_REDIS_URL names one. The provider runs as in production: metrics on, the audit log
// written to a temporary file, every rate limit counting (the per-address and per-client ones
// set high enough that one load generator on one address is never refused).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { issueTestBusinessCertificate, x5cOf } from './business-certificates.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const concurrency = Number(args.get('concurrency') ?? 10);
const seconds = Number(args.get('seconds') ?? 20);
const warmupSeconds = Number(args.get('warmup') ?? 3);
const scenario = args.get('scenario') ?? 'code';
if (!['code', 'machine-key', 'machine-cert'].includes(scenario)) throw new Error(`unknown --scenario ${scenario}: code, machine-key or machine-cert`);

/** The machine scenarios' scope and clients (TOKEN-21), in files for OP_SCOPES_FILE and OP_CLIENTS_FILE. */
interface MachineSetup {
  env: Record<string, string>;
  clientId: string;
  key: KeyObject;
  header: string;
}

async function machineSetup(): Promise<MachineSetup> {
  const directory = mkdtempSync(join(tmpdir(), 'op-bench-'));
  const orgno = '991825827';
  const scopes = [{ name: 'bench:api', prefix: 'bench', subscope: 'api', description: 'Benchmark API', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true }];
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const clients = [
    { client_id: 'bench-machine-key', client_name: 'Bench (key)', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['bench:api'], jwks: { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'bench-key', n: jwk.n, e: jwk.e }] } },
    { client_id: 'bench-machine-cert', client_name: 'Bench (certificate)', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['bench:api'] },
  ];
  writeFileSync(join(directory, 'scopes.json'), JSON.stringify(scopes));
  writeFileSync(join(directory, 'clients.json'), JSON.stringify(clients));
  const env = { OP_SCOPES_FILE: join(directory, 'scopes.json'), OP_CLIENTS_FILE: join(directory, 'clients.json') };
  if (scenario === 'machine-key') return { env, clientId: 'bench-machine-key', key: privateKey, header: Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'bench-key' })).toString('base64url') };
  const certificate = await issueTestBusinessCertificate(orgno);
  return { env, clientId: 'bench-machine-cert', key: createPrivateKey(certificate.key), header: Buffer.from(JSON.stringify({ alg: 'RS256', x5c: x5cOf(certificate.chain) })).toString('base64url') };
}

const machine = scenario === 'code' ? undefined : await machineSetup();

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let privateRedis: ChildProcess | undefined;
let redisUrl = process.env.OP_TEST_REDIS_URL ?? '';
if (!redisUrl) {
  const redisPort = await freePort();
  privateRedis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redisUrl = `redis://127.0.0.1:${redisPort}`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const redisPort = new URL(redisUrl).port || '6379';

const port = await freePort();
const issuer = `http://127.0.0.1:${port}`;
const prefix = `opbench:${randomBytes(4).toString('hex')}:`;
const entry = new URL('../dist/server.js', import.meta.url).pathname;
const serverCpu = args.get('server-cpu');
const nodeArgs = [...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean), entry];
const [command, commandArgs] = serverCpu !== undefined ? ['taskset', ['-c', serverCpu, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
const auditLog = join(mkdtempSync(join(tmpdir(), 'op-bench-')), 'audit.log');
const high = '10000000';
const server = spawn(command, commandArgs, {
  env: {
    OP_AUDIT_LOG: auditLog,
    OP_RATE_LIMIT_PAR_PER_ADDRESS: high,
    OP_RATE_LIMIT_PAR_PER_CLIENT: high,
    OP_RATE_LIMIT_AUTHORIZE_PER_ADDRESS: high,
    ...process.env,
    ...machine?.env,
    OP_ISSUER: issuer,
    OP_PORT: String(port),
    OP_REDIS_URL: redisUrl,
    OP_REDIS_PREFIX: prefix,
    OP_LOG_LEVEL: process.env.OP_LOG_LEVEL ?? 'info',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const stop = () => {
  server.kill('SIGTERM');
  privateRedis?.kill('SIGKILL');
};
process.on('exit', stop);

for (let i = 0; i < 100; i++) {
  try {
    const r = await fetch(`${issuer}/readyz`);
    await r.text();
    if (r.status === 200) break;
  } catch {
    /* not up yet */
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const secret = 'demo-web-secret-for-local-testing-only-0123456789';
const basic = `Basic ${Buffer.from(`demo-web:${secret}`).toString('base64')}`;
const redirectUri = 'http://localhost:8080/callback';
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

/** Latency of every HTTP request of the measured window, in ms. */
let requestLatencies: number[] | undefined;
async function timed<T>(step: Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await step;
  requestLatencies?.push(performance.now() - start);
  return result;
}

const cookiesOf = (response: Response): string[] => response.headers.getSetCookie().map((c) => c.split(';')[0]!);
const manual = { redirect: 'manual' } as const;

async function flow(): Promise<void> {
  const state = randomBytes(8).toString('base64url');
  const par = await timed(fetch(`${issuer}/par`, {
    method: 'POST',
    headers: { authorization: basic },
    body: new URLSearchParams({ client_id: 'demo-web', redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', state, nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }),
  }));
  const { request_uri } = (await par.json()) as { request_uri: string };
  const authorize = await timed(fetch(`${issuer}/authorize?client_id=demo-web&request_uri=${encodeURIComponent(request_uri)}`, manual));
  await authorize.arrayBuffer();
  const loginUrl = `${issuer}${authorize.headers.get('location')}`;
  const cookie = cookiesOf(authorize).join('; ');
  const page = await timed(fetch(loginUrl, { ...manual, headers: { cookie } }));
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const login = await timed(fetch(loginUrl, {
    ...manual,
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, action: 'login', pid: '21879498012', acr: 'idporten-loa-substantial' }),
  }));
  await login.arrayBuffer();
  const code = new URL(String(login.headers.get('location'))).searchParams.get('code')!;
  const token = await timed(fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: basic },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  }));
  const { access_token } = (await token.json()) as { access_token: string };
  const info = await timed(fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } }));
  const body = (await info.json()) as { pid?: string };
  if (info.status !== 200 || body.pid !== '21879498012') throw new Error(`flow failed at userinfo: ${info.status}`);
}

/** TOKEN-21: one JWT-bearer grant; the client signs its assertion (node:crypto, RS256) as a client would. */
async function machineToken(): Promise<void> {
  const { clientId, key, header } = machine!;
  const iat = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ aud: issuer, iss: clientId, scope: 'bench:api', iat, exp: iat + 60, jti: randomBytes(16).toString('base64url') })).toString('base64url');
  const assertion = `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url')}`;
  const token = await timed(fetch(`${issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) }));
  const body = (await token.json()) as { access_token?: string };
  if (token.status !== 200 || !body.access_token) throw new Error(`jwt-bearer grant failed: ${token.status} ${JSON.stringify(body)}`);
}

const step = machine ? machineToken : flow;

const cpuTicks = (): number => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (USER_HZ = 100)
};
const redis = new Redis(redisUrl);
const commands = async (): Promise<number> => {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
};
/** Data segments the provider's connections have sent to Redis (TCP_INFO via ss); -1 without ss. */
const segmentsToRedis = (): number => {
  try {
    const text = execFileSync('ss', ['-tinpH', 'state', 'established', `( dport = :${redisPort} )`], { encoding: 'utf8' });
    let total = 0;
    let ours = false;
    for (const line of text.split('\n')) {
      if (!/^\s/.test(line)) ours = line.includes(`pid=${server.pid},`);
      else if (ours) total += Number(/data_segs_out:(\d+)/.exec(line)?.[1] ?? 0);
    }
    return total;
  } catch {
    return -1;
  }
};

async function run(durationSeconds: number, latencies?: number[], users = concurrency): Promise<number> {
  const end = Date.now() + durationSeconds * 1000;
  let flows = 0;
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (Date.now() < end) {
        const start = performance.now();
        await step();
        latencies?.push(performance.now() - start);
        flows++;
      }
    }),
  );
  return flows;
}

await run(warmupSeconds);
const latencies: number[] = [];
requestLatencies = [];
const [cpu0, cmd0, t0] = [cpuTicks(), await commands(), performance.now()];
const flows = await run(seconds, latencies);
const [cpu1, cmd1, t1] = [cpuTicks(), await commands(), performance.now()];
// Round trips: concurrent flows share pipelines, so they are counted with one user at a time,
// where every write the provider sends to Redis is one round trip of one flow.
const seg0 = segmentsToRedis();
const sequentialFlows = await run(2, undefined, 1);
const seg1 = segmentsToRedis();
latencies.sort((a, b) => a - b);
requestLatencies.sort((a, b) => a - b);
const percentile = (values: number[], p: number) => Number(values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!.toFixed(1));
const pct = (p: number) => percentile(latencies, p);
const elapsed = (t1 - t0) / 1000;
console.log(
  JSON.stringify(
    {
      scenario,
      concurrency,
      seconds: Number(elapsed.toFixed(1)),
      // A flow of the machine scenarios is one token.
      flows,
      flows_per_second: Number((flows / elapsed).toFixed(1)),
      server_cpu_ms_per_flow: Number((((cpu1 - cpu0) * 10) / flows).toFixed(2)),
      redis_commands_per_flow: Number(((cmd1 - cmd0 - 1) / flows).toFixed(2)),
      redis_round_trips_per_flow: seg0 < 0 ? null : Number(((seg1 - seg0) / sequentialFlows).toFixed(2)),
      server_pinned_to_cpu: serverCpu ?? null,
      flow_latency_ms: { p50: pct(50), p90: pct(90), p99: pct(99) },
      request_latency_ms: { p50: percentile(requestLatencies, 50), p90: percentile(requestLatencies, 90), p99: percentile(requestLatencies, 99) },
    },
    null,
    2,
  ),
);
if (!privateRedis) {
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}
await redis.quit();
stop();
