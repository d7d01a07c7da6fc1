// npm run bench: a scenario against the provider running in its own process(es) on Redis. Prints
// one summary table (flows/s, server CPU per flow, p50/p95/p99 per request and per flow, Redis
// round trips and commands per flow, Redis bytes per flow or per live session, provider RSS) and
// writes it as JSON (--out, default a file in a new temporary directory, whose path is printed).
// Loopback only; every phase is bounded in time. Needs `npm run build` (the npm script runs it).
//   npm run bench -- [--scenario code] [--concurrency 10] [--seconds 20] [--warmup 3] [--server-cpu 0]
//                    [--out report.json] [--compare old.json] [--preload 1000000] [--soak-minutes 10]
//                    [--instances 2] [--cpu-prof]
// Scenarios:
//   code          the full flow: PAR -> authorize -> login page -> login -> redirect -> token ->
//                 userinfo, with the demo clients (the default)
//   machine-key   the JWT-bearer grant (TOKEN-21) of a machine client with a registered key (kid);
//                 also measures the RS256 sign-plus-verify floor on one core and prints tokens/s
//                 as a share of it
//   machine-cert  the JWT-bearer grant of a machine client with a business certificate chain (x5c)
//                 (both machine scenarios sign their assertions before the measured stretch, which
//                 is 10 s unless --seconds says otherwise: see signAhead)
// Options:
//   --server-cpu N     pin the provider to core N (taskset); with --instances a list, "0,1": one core each
//   --compare FILE     print this run's measures ÷ those of an earlier report
//   --preload N        after the empty-store run, write N live SSO sessions (each with a grant and a
//                      refresh token) through the provider's store code (scripts/bench/preload.ts),
//                      run again and report both, the Redis memory per live session and every key
//                      left without a TTL
//   --soak-minutes M   steady load for M minutes after a warm-up (--warmup: default 60 s here, 10 s
//                      with --preload, else 3 s):
//                      RSS after warm-up and at the end (target: within 10 %), store keys at the end
//   --instances N      N providers on one Redis; user i drives instance i mod N
//   --cpu-prof         run the provider(s) with --cpu-prof and print the top 15 self-time functions
//   --perf             record the provider's on-CPU samples with Linux perf during the measured
//                      stretch (every thread, kernel included) and print the CPU per flow by owner:
//                      package, module of ours, signing, I/O, GC (scripts/bench/perf-profile.ts)
// Redis: a private redis-server on a free port (no other traffic in the counts) unless
// OP_TEST_REDIS_URL names one. The provider runs as in production: metrics on, the audit log
// written to a temporary file, every rate limit counting (the per-address and per-client ones
// set high enough that one load generator on one address is never refused).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { issueTestBusinessCertificate, x5cOf } from './business-certificates.js';
import { parsePerfScript, summariseOwners, type OwnerEntry } from './bench/perf-profile.js';
import { codeFlow as flow, timed, type Sink } from './bench/code-flow.js';
import { preloadSessions } from './bench/preload.js';
import {
  compareReports,
  formatProfile,
  formatRatios,
  formatReport,
  percentiles,
  summariseProfiles,
  type BenchReport,
  type CpuProfile,
  type KeyScan,
  table,
  type Measurement,
} from './bench/report.js';

/** `--name value` pairs; a flag followed by another flag (or nothing) is `true`. */
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i]!.replace(/^--/, '');
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) args.set(name, 'true');
  else {
    args.set(name, value);
    i++;
  }
}
const concurrency = Number(args.get('concurrency') ?? 10);
// Machine scenarios measure 10 s by default: the stretch a batch of assertions signed ahead lasts (machineToken).
const seconds = Number(args.get('seconds') ?? (args.get('scenario')?.startsWith('machine') ? 10 : 20));
const soakMinutes = args.has('soak-minutes') ? Number(args.get('soak-minutes')) : undefined;
const warmupSeconds = Number(args.get('warmup') ?? (soakMinutes ? 60 : args.has('preload') ? 10 : 3));
const scenario = args.get('scenario') ?? 'code';
const instances = Number(args.get('instances') ?? 1);
const preload = args.has('preload') ? Number(args.get('preload')) : undefined;
const cpuProf = args.has('cpu-prof');
const perfProfile = args.has('perf');
const serverCpus = args.get('server-cpu')?.split(',');
if (!['code', 'machine-key', 'machine-cert'].includes(scenario)) throw new Error(`unknown --scenario ${scenario}: code, machine-key or machine-cert`);
if (preload !== undefined && scenario !== 'code') throw new Error('--preload goes with --scenario code');
if (perfProfile && (preload !== undefined || soakMinutes !== undefined)) throw new Error('--perf goes with a plain run (no --preload, no --soak-minutes)');
if (perfProfile) {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('--perf needs Linux perf on the PATH (Debian: apt-get install linux-perf)');
  }
}
const loadAverage = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const loadAtStart = loadAverage();
/** The commit the run measures, read at the start (a commit made during a long run is not it). */
const commit = (() => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
})();
const scratch = mkdtempSync(join(tmpdir(), 'op-bench-'));

/** The machine scenarios' scope and clients (TOKEN-21), in files for OP_SCOPES_FILE and OP_CLIENTS_FILE. */
interface MachineSetup {
  env: Record<string, string>;
  clientId: string;
  key: KeyObject;
  header: string;
}

async function machineSetup(): Promise<MachineSetup> {
  const orgno = '991825827';
  const scopes = [{ name: 'bench:api', prefix: 'bench', subscope: 'api', description: 'Benchmark API', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true }];
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const clients = [
    { client_id: 'bench-machine-key', client_name: 'Bench (key)', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['bench:api'], jwks: { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'bench-key', n: jwk.n, e: jwk.e }] } },
    { client_id: 'bench-machine-cert', client_name: 'Bench (certificate)', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['bench:api'] },
  ];
  writeFileSync(join(scratch, 'scopes.json'), JSON.stringify(scopes));
  writeFileSync(join(scratch, 'clients.json'), JSON.stringify(clients));
  const env = { OP_SCOPES_FILE: join(scratch, 'scopes.json'), OP_CLIENTS_FILE: join(scratch, 'clients.json') };
  if (scenario === 'machine-key') return { env, clientId: 'bench-machine-key', key: privateKey, header: Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'bench-key' })).toString('base64url') };
  const certificate = await issueTestBusinessCertificate(orgno);
  return { env, clientId: 'bench-machine-cert', key: createPrivateKey(certificate.key), header: Buffer.from(JSON.stringify({ alg: 'RS256', x5c: x5cOf(certificate.chain) })).toString('base64url') };
}

const machine = scenario === 'code' ? undefined : await machineSetup();

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const children: ChildProcess[] = [];
const stopAll = () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
};
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

/** A private redis-server on a free port, or OP_TEST_REDIS_URL. */
async function startRedis(): Promise<string> {
  if (process.env.OP_TEST_REDIS_URL) return process.env.OP_TEST_REDIS_URL;
  const port = await freePort();
  children.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (up) break;
    await sleep(50);
  }
  return url;
}
if (preload !== undefined && process.env.OP_TEST_REDIS_URL) throw new Error('--preload needs private redis-servers: unset OP_TEST_REDIS_URL');
const prefix = `opbench:${randomBytes(4).toString('hex')}:`;
const entry = new URL('../dist/server.js', import.meta.url).pathname;
const profileDir = join(scratch, 'cpuprofile');
const auditLog = join(scratch, 'audit.log');
const high = '10000000';

/** The environment every instance shares (its issuer and port are its own). */
const sharedEnv: NodeJS.ProcessEnv = {
  OP_AUDIT_LOG: auditLog,
  OP_RATE_LIMIT_PAR_PER_ADDRESS: high,
  OP_RATE_LIMIT_PAR_PER_CLIENT: high,
  OP_RATE_LIMIT_AUTHORIZE_PER_ADDRESS: high,
  ...process.env,
  ...machine?.env,
  OP_REDIS_PREFIX: prefix,
  OP_LOG_LEVEL: process.env.OP_LOG_LEVEL ?? 'info',
};

interface Instance {
  issuer: string;
  child: ChildProcess;
  pid: number;
}

/** Provider instances on one Redis: what one Measurement is about. */
interface Target {
  redisUrl: string;
  redisPort: string;
  redis: Redis;
  providers: Instance[];
}

async function startInstance(index: number, redisUrl: string): Promise<Instance> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const nodeArgs = [...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean), ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), ...(perfProfile ? ['--perf-basic-prof'] : []), entry];
  const cpu = serverCpus?.[index % serverCpus.length];
  const [command, commandArgs] = cpu !== undefined ? ['taskset', ['-c', cpu, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(command, commandArgs, { env: { ...sharedEnv, OP_REDIS_URL: redisUrl, OP_ISSUER: issuer, OP_PORT: String(port) }, stdio: ['ignore', process.env.BENCH_PROVIDER_STDOUT ? 'inherit' : 'ignore', 'inherit'] });
  children.push(child);
  for (let i = 0; i < 150; i++) {
    const ready = await fetch(`${issuer}/readyz`).then(
      async (r) => (await r.text(), r.status === 200),
      () => false,
    );
    if (ready) return { issuer, child, pid: child.pid! };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`provider instance ${index} did not become ready at ${issuer}`);
}

/** `count` instances on a new Redis, one after the other: the first creates the shared signing key and cookie secret. */
async function startTarget(count: number): Promise<Target> {
  const redisUrl = await startRedis();
  const providers: Instance[] = [];
  for (let i = 0; i < count; i++) providers.push(await startInstance(i, redisUrl));
  return { redisUrl, redisPort: new URL(redisUrl).port || '6379', redis: new Redis(redisUrl), providers };
}
const main = await startTarget(instances);
// --preload: a twin on its own empty Redis, pinned to the same core(s), run side by side with the
// loaded one (every user alternates flows between them), so that both see the same moments of a
// machine whose speed drifts; the twin is the empty-store run.
const twin = preload !== undefined ? await startTarget(instances) : undefined;
const targets = twin ? [twin, main] : [main];
const providers = targets.flatMap((t) => t.providers);

/** TOKEN-21: an assertion as a client signs it (node:crypto, RS256), for `issuer`, issued at `iat`. */
function machineAssertion(issuer: string, iat: number): string {
  const { clientId, key, header } = machine!;
  const payload = Buffer.from(JSON.stringify({ aud: issuer, iss: clientId, scope: 'bench:api', iat, exp: iat + 60, jti: randomBytes(16).toString('base64url') })).toString('base64url');
  return `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url')}`;
}

/**
 * Assertions signed before the measured stretch, per issuer, so that the load generator (which
 * shares its core with Redis) spends no CPU on signing while the provider is measured: signed on
 * the fly, each costs the generator an RS256 signature, and the generator, not the provider, sets
 * the pace. TOKEN-21 accepts an iat at most 10 s from the provider's clock, either way: a batch
 * carries iat = its start + 9 s and is used up to 8 s past that iat (a second to spare each way),
 * so it lasts about 17 s from its start; a stretch that outruns it signs on the fly again, and the
 * report counts both (`assertions`).
 */
const signedAhead = new Map<string, { assertions: string[]; usableUntilMs: number }>();
const assertionCounts = { ahead: 0, during: 0 };

function signAhead(issuers: readonly string[], count: number, withinMs: number): void {
  const startMs = Date.now();
  const iat = Math.floor(startMs / 1000) + 9;
  const batches = issuers.map((issuer) => ({ issuer, assertions: [] as string[] }));
  for (let i = 0; i < count && Date.now() - startMs < withinMs; i++) {
    const batch = batches[i % batches.length]!;
    batch.assertions.push(machineAssertion(batch.issuer, iat));
  }
  for (const { issuer, assertions } of batches) signedAhead.set(issuer, { assertions, usableUntilMs: (iat + 8) * 1000 });
}

/** TOKEN-21: one JWT-bearer grant, with an assertion signed ahead while one is usable, else signed now. */
async function machineToken(issuer: string, sink?: Sink): Promise<void> {
  const ahead = signedAhead.get(issuer);
  const signedBefore = ahead && Date.now() < ahead.usableUntilMs ? ahead.assertions.pop() : undefined;
  const assertion = signedBefore ?? machineAssertion(issuer, Math.floor(Date.now() / 1000));
  // Counted in the measured stretch only (the one with a sink), not in the round-trip count after it.
  if (sink) assertionCounts[signedBefore !== undefined ? 'ahead' : 'during']++;
  const token = await timed(sink, fetch(`${issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) }));
  const body = (await token.json()) as { access_token?: string };
  if (token.status !== 200 || !body.access_token) throw new Error(`jwt-bearer grant failed: ${token.status} ${JSON.stringify(body)}`);
}

const step = machine ? machineToken : flow;

const cpuTicks = (target: Target): number =>
  target.providers.reduce((sum, p) => {
    const fields = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return sum + Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (USER_HZ = 100)
  }, 0);
const rssMb = (target: Target): number[] => target.providers.map((p) => Number((Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024).toFixed(1)));
const commands = async (redis: Redis): Promise<number> => [...(await redis.info('commandstats')).matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
const usedMemory = async (redis: Redis): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
/** Data segments the target's providers have sent to its Redis (TCP_INFO via ss); -1 without ss. */
const segmentsToRedis = (target: Target): number => {
  try {
    const text = execFileSync('ss', ['-tinpH', 'state', 'established', `( dport = :${target.redisPort} )`], { encoding: 'utf8' });
    const pids = target.providers.map((p) => `pid=${p.pid},`);
    let total = 0;
    let ours = false;
    for (const line of text.split('\n')) {
      if (!/^\s/.test(line)) ours = pids.some((pid) => line.includes(pid));
      else if (ours) total += Number(/data_segs_out:(\d+)/.exec(line)?.[1] ?? 0);
    }
    return total;
  } catch {
    return -1;
  }
};

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Flows that failed (every stretch), and the last reason. */
const failures = { count: 0, last: '' };

/**
 * Load for `durationSeconds` with `users` users: flow i of user u goes to target (u + i) mod T,
 * and there to instance u mod N. Flows completed per target.
 */
async function run(durationSeconds: number, on: readonly Target[] = targets, sinks?: Sink[], users = concurrency): Promise<number[]> {
  const end = Date.now() + durationSeconds * 1000;
  const flows = on.map(() => 0);
  await Promise.all(
    Array.from({ length: users }, async (_, user) => {
      for (let i = user; Date.now() < end; i++) {
        const which = i % on.length;
        const target = on[which]!;
        const sink = sinks?.[which];
        const start = performance.now();
        try {
          await step(target.providers[user % target.providers.length]!.issuer, sink);
        } catch (error) {
          // A refused flow (load shedding answers 503) is counted, not fatal, unless most are.
          failures.count++;
          failures.last = (error as Error).message;
          if (failures.count > 100 && failures.count > flows.reduce((a, b) => a + b, 0)) throw new Error(`most flows fail; the last: ${failures.last}`);
          continue;
        }
        sink?.flows.push(performance.now() - start);
        flows[which]!++;
      }
    }),
  );
  return flows;
}

/** One measured stretch of `durationSeconds` on every target at once, then 2 s with one user for the round trips. */
async function measure(labels: readonly string[], durationSeconds: number, on: readonly Target[] = targets): Promise<Measurement[]> {
  const sinks: Sink[] = on.map(() => ({ flows: [], requests: [] }));
  const failed0 = failures.count;
  const cpu0 = on.map(cpuTicks);
  const cmd0 = await Promise.all(on.map((t) => commands(t.redis)));
  const mem0 = await Promise.all(on.map((t) => usedMemory(t.redis)));
  const t0 = performance.now();
  const flows = await run(durationSeconds, on, sinks);
  const t1 = performance.now();
  const failed = failures.count - failed0;
  if (failed > 0) log(`${failed} flows failed in this stretch; the last: ${failures.last}`);
  const cpu1 = on.map(cpuTicks);
  const cmd1 = await Promise.all(on.map((t) => commands(t.redis)));
  const mem1 = await Promise.all(on.map((t) => usedMemory(t.redis)));
  const rss = on.map(rssMb);
  // Round trips: concurrent flows share pipelines, so they are counted with one user at a time,
  // where every write the provider sends to Redis is one round trip of one flow.
  // First 2 s with no user: what the provider writes by itself (the registry's version poll).
  const idle0 = on.map(segmentsToRedis);
  const idleStart = performance.now();
  await sleep(2000);
  const idleSeconds = (performance.now() - idleStart) / 1000;
  const idle1 = on.map(segmentsToRedis);
  const seg0 = on.map(segmentsToRedis);
  const sequentialStart = performance.now();
  const sequential = await run(2, on, undefined, 1);
  const sequentialSeconds = (performance.now() - sequentialStart) / 1000;
  const seg1 = on.map(segmentsToRedis);
  const elapsed = (t1 - t0) / 1000;
  return on.map((_, i) => ({
    label: labels[i]!,
    seconds: Number(elapsed.toFixed(1)),
    flows: flows[i]!,
    failed_flows: failed,
    flows_per_second: Number((flows[i]! / elapsed).toFixed(1)),
    server_cpu_ms_per_flow: Number((((cpu1[i]! - cpu0[i]!) * 10) / flows[i]!).toFixed(3)),
    request_latency_ms: percentiles(sinks[i]!.requests),
    flow_latency_ms: percentiles(sinks[i]!.flows),
    // Two INFO commandstats calls of ours are counted between the readings.
    redis_commands_per_flow: Number(((cmd1[i]! - cmd0[i]! - 2) / flows[i]!).toFixed(2)),
    redis_round_trips_per_flow: seg0[i]! < 0 ? null : Number(((seg1[i]! - seg0[i]!) / sequential[i]!).toFixed(2)),
    redis_idle_writes_per_second: idle0[i]! < 0 ? null : Number(((idle1[i]! - idle0[i]!) / idleSeconds).toFixed(1)),
    redis_round_trips_per_flow_net_of_idle:
      seg0[i]! < 0 || idle0[i]! < 0 ? null : Number(((seg1[i]! - seg0[i]! - ((idle1[i]! - idle0[i]!) / idleSeconds) * sequentialSeconds) / sequential[i]!).toFixed(2)),
    redis_bytes_retained_per_flow: Math.round((mem1[i]! - mem0[i]!) / flows[i]!),
    provider_rss_mb: rss[i]!,
  }));
}

// Counts keys by shape (ids and numbers replaced by '*', as keyPattern in bench/report.ts) and
// those without TTL, SCANning inside Redis so millions of keys need not cross the socket.
// ARGV[1] cursor, ARGV[2] the prefix, ARGV[3] COUNT. Returns {cursor, pattern, keys, without, max_ttl_ms, a sample key, …}.
const scanScript = `
local reply = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2] .. '*', 'COUNT', tonumber(ARGV[3]))
local counts, order = {}, {}
for _, key in ipairs(reply[2]) do
  local pattern = string.sub(key, #ARGV[2] + 1)
  pattern = string.gsub(pattern, '^{(%a+):[^}]*}', '{%1:*}')
  pattern = string.gsub(pattern, '%d+', '*')
  local ttl = redis.call('PTTL', key)
  local c = counts[pattern]
  if not c then c = {0, 0, -2, key}; counts[pattern] = c; order[#order + 1] = pattern end
  c[1] = c[1] + 1
  if ttl == -1 then c[2] = c[2] + 1 end
  if ttl > c[3] then c[3] = ttl end
end
local out = {reply[1]}
for _, pattern in ipairs(order) do
  local c = counts[pattern]
  out[#out + 1] = pattern; out[#out + 1] = c[1]; out[#out + 1] = c[2]; out[#out + 1] = c[3]; out[#out + 1] = c[4]
end
return out
`;

/** Every key of this run's prefix: counts by pattern, and those without a TTL. */
async function scanKeys(): Promise<KeyScan> {
  const patterns = new Map<string, { keys: number; without: number; maxTtlMs: number; sample: string }>();
  let cursor = '0';
  do {
    const reply = (await main.redis.eval(scanScript, 0, cursor, prefix, 5000)) as (string | number)[];
    cursor = String(reply[0]);
    for (let i = 1; i + 4 < reply.length; i += 5) {
      const pattern = String(reply[i]);
      const entry = patterns.get(pattern) ?? { keys: 0, without: 0, maxTtlMs: -2, sample: String(reply[i + 4]) };
      entry.keys += Number(reply[i + 1]);
      entry.without += Number(reply[i + 2]);
      entry.maxTtlMs = Math.max(entry.maxTtlMs, Number(reply[i + 3]));
      patterns.set(pattern, entry);
    }
  } while (cursor !== '0');
  const list = await Promise.all(
    [...patterns.entries()].map(async ([pattern, e]) => ({
      pattern,
      keys: e.keys,
      without_ttl: e.without,
      max_ttl_s: e.maxTtlMs < 0 ? e.maxTtlMs : Math.round(e.maxTtlMs / 1000),
      // MEMORY USAGE of one key of the shape (null when it expired meanwhile).
      sample_bytes: ((await main.redis.call('MEMORY', 'USAGE', e.sample, 'SAMPLES', '0')) as number | null) ?? null,
    })),
  );
  list.sort((a, b) => b.keys - a.keys);
  return {
    keys: list.reduce((sum, p) => sum + p.keys, 0),
    without_ttl: list.reduce((sum, p) => sum + p.without_ttl, 0),
    without_ttl_patterns: list.filter((p) => p.without_ttl > 0).map((p) => p.pattern),
    patterns: list,
  };
}

/**
 * Machine scenarios: what one core does with RS256 alone. Every token costs the provider one
 * verification (the client's assertion) and one signature (the access token); a child process
 * pinned to the first server core (when pinned) does both in a loop for 3 s, with the provider idle.
 */
function signVerifyFloor(): number {
  const code = `
const { generateKeyPairSync, sign, verify } = require('node:crypto');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const data = Buffer.from('x'.repeat(600));
for (let i = 0; i < 50; i++) verify('sha256', data, publicKey, sign('sha256', data, privateKey));
let n = 0; const start = performance.now();
while (performance.now() - start < 3000) { const s = sign('sha256', data, privateKey); if (!verify('sha256', data, publicKey, s)) throw new Error('bad'); n++; }
console.log(n / ((performance.now() - start) / 1000));`;
  const cpu = serverCpus?.[0];
  const [command, commandArgs] = cpu !== undefined ? ['taskset', ['-c', cpu, process.execPath, '-e', code]] : [process.execPath, ['-e', code]];
  return Number(Number(execFileSync(command, commandArgs, { encoding: 'utf8' }).trim()).toFixed(1));
}

const floor = scenario === 'machine-key' ? signVerifyFloor() : undefined;
if (floor !== undefined) log(`RS256 sign + verify on one core: ${floor}/s`);

log(`warm-up ${warmupSeconds} s`);
const warmupFlows = (await run(warmupSeconds)).reduce((a, b) => a + b, 0);
let soak: BenchReport['soak'];
let runMeasurement: Measurement;
let perfOwners: OwnerEntry[] | undefined;
let preloaded: BenchReport['preloaded'];
if (soakMinutes !== undefined) {
  // Steady load for the whole soak; RSS sampled every 30 s; the last 60 s (at most) are the measured stretch.
  const rssAfterWarmup = rssMb(main);
  const samples: number[][] = [rssAfterWarmup];
  const total = soakMinutes * 60;
  const measured = Math.min(60, total / 2);
  let flows = 0;
  for (let elapsed = 0; elapsed < total - measured; ) {
    const stretch = Math.min(30, total - measured - elapsed);
    flows += (await run(stretch))[0]!;
    elapsed += stretch;
    samples.push(rssMb(main));
    log(`soak ${Math.round(elapsed)} s of ${total}: ${flows} flows, RSS ${samples.at(-1)!.join(' + ')} MB`);
  }
  [runMeasurement] = (await measure(['soak, last stretch'], measured)) as [Measurement];
  flows += runMeasurement.flows;
  const rssEnd = runMeasurement.provider_rss_mb;
  samples.push(rssEnd);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const growth = (100 * (sum(rssEnd) - sum(rssAfterWarmup))) / sum(rssAfterWarmup);
  soak = { minutes: soakMinutes, rss_after_warmup_mb: rssAfterWarmup, rss_end_mb: rssEnd, rss_growth_percent: Number(growth.toFixed(1)), rss_samples_mb: samples, flows, store_keys_end: 0, verdict: '' };
} else if (preload !== undefined) {
  const memoryBefore = await usedMemory(main.redis);
  log(`preloading ${preload} live sessions through the provider's store code`);
  let shown = 0;
  const loaded = await preloadSessions({ ...sharedEnv, OP_REDIS_URL: main.redisUrl, OP_ISSUER: main.providers[0]!.issuer }, preload, {
    progress: (done) => {
      if (done - shown >= 100_000) {
        shown = done;
        log(`  ${done} sessions`);
      }
    },
  });
  const bytesPerSession = Math.round(((await usedMemory(main.redis)) - memoryBefore) / preload);
  log(`preloaded ${loaded.sessions} sessions in ${loaded.seconds} s, ${bytesPerSession} bytes each; warm-up ${warmupSeconds} s, measuring ${seconds} s side by side`);
  await run(warmupSeconds);
  const [empty, full] = (await measure(['empty store', `${preload} sessions`], seconds)) as [Measurement, Measurement];
  runMeasurement = empty;
  preloaded = {
    ...full,
    sessions: preload,
    preload_seconds: loaded.seconds,
    redis_bytes_per_live_session: bytesPerSession,
    throughput_ratio: Number((full.flows_per_second / empty.flows_per_second).toFixed(3)),
    p99_ratio: Number((full.flow_latency_ms.p99 / empty.flow_latency_ms.p99).toFixed(3)),
  };
} else {
  if (machine) {
    // Enough assertions for the stretch at four times the warm-up's pace, signed in at most 6 s (the
    // provider idle meanwhile), which leaves the batch ~11 s of use: longer runs sign the rest on the fly.
    const perSecond = (4 * warmupFlows) / warmupSeconds;
    signAhead(providers.map((p) => p.issuer), Math.ceil(perSecond * seconds), 6000);
    log(`signed ${[...signedAhead.values()].reduce((n, b) => n + b.assertions.length, 0)} assertions ahead of the measured stretch`);
    assertionCounts.ahead = assertionCounts.during = 0;
  }
  log(`measuring ${seconds} s`);
  // --perf: perf records each provider for exactly the measured stretch.
  const recordings = perfProfile
    ? providers.map((p, i) => {
        const data = join(scratch, `perf-${i}.data`);
        const recorder = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-g', '-p', String(p.pid), '-o', data, '--', 'sleep', String(seconds)], { stdio: 'ignore' });
        return { data, pid: p.pid, done: new Promise((settle) => recorder.once('exit', settle)) };
      })
    : [];
  [runMeasurement] = (await measure(['run'], seconds)) as [Measurement];
  await Promise.all(recordings.map((r) => r.done));
  if (recordings.length > 0) {
    const samples = recordings.flatMap((r) =>
      parsePerfScript(execFileSync('perf', ['script', '-i', r.data, '-F', 'tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 2 ** 30, stdio: ['ignore', 'pipe', 'ignore'] })).map((sample) => ({ ...sample, tid: sample.tid === String(r.pid) ? 'main' : sample.tid })),
    );
    perfOwners = summariseOwners(samples, 'main', runMeasurement.server_cpu_ms_per_flow);
  }
}

const report: BenchReport = {
  format: 'idporten-op-bench/1',
  date: new Date().toISOString(),
  commit,
  scenario,
  instances,
  concurrency,
  server_cpu: serverCpus?.join(',') ?? null,
  load_average: { start: loadAtStart, end: [] },
  run: runMeasurement,
};
if (preloaded) report.preloaded = preloaded;
if (soak) report.soak = soak;
if (floor !== undefined) {
  // Tokens/s as driven (bounded by the load generator on a shared machine), and what the server's
  // CPU per token allows on one core: 1000 / CPU ms per token.
  const perCore = 1000 / runMeasurement.server_cpu_ms_per_flow;
  report.floor = {
    sign_verify_per_second: floor,
    tokens_percent_of_floor: Number(((100 * runMeasurement.flows_per_second) / floor).toFixed(1)),
    tokens_per_core_second: Number(perCore.toFixed(1)),
    core_percent_of_floor: Number(((100 * perCore) / floor).toFixed(1)),
    assertions: { ...assertionCounts },
  };
}

log('scanning the keys');
report.key_scan = await scanKeys();
if (soak) {
  soak.store_keys_end = report.key_scan.keys;
  const registryOnly = report.key_scan.without_ttl_patterns.every((p) => p.startsWith('{clients}'));
  const rssOk = soak.rss_growth_percent <= 10;
  soak.verdict = `${rssOk && registryOnly ? 'PASS' : 'FAIL'}: RSS ${soak.rss_growth_percent >= 0 ? '+' : ''}${soak.rss_growth_percent} % from warm-up to end (target ≤ 10 %); ${report.key_scan.keys} keys after ${soak.flows} flows (${(report.key_scan.keys / soak.flows).toFixed(2)} per flow), ${report.key_scan.without_ttl} without TTL${registryOnly ? ' (none outside the client registry)' : ` (${report.key_scan.without_ttl_patterns.join(', ')})`}: every other key expires with its record, so the store holds only the live set`;
}
for (const target of targets) await target.redis.quit();

// A clean stop (SIGTERM), so that a provider run with --cpu-prof writes its profile.
await Promise.all(
  providers.map(
    (p) =>
      new Promise((done) => {
        if (p.child.exitCode !== null) return done(undefined);
        p.child.once('exit', done);
        p.child.kill('SIGTERM');
        setTimeout(done, 15_000).unref();
      }),
  ),
);
if (perfOwners) report.perf_profile = perfOwners;
if (cpuProf && existsSync(profileDir)) {
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
  report.profile = summariseProfiles(files.map((f) => JSON.parse(readFileSync(join(profileDir, f), 'utf8')) as CpuProfile));
}
report.load_average.end = loadAverage();

console.log(formatReport(report));
if (report.key_scan.patterns.length > 0) {
  console.log('\nkeys after the run, by shape:');
  for (const p of report.key_scan.patterns) console.log(`  ${p.pattern.padEnd(34)} ${String(p.keys).padStart(9)}  without TTL ${p.without_ttl}  longest TTL ${p.max_ttl_s} s  one key ${p.sample_bytes ?? '—'} bytes`);
}
if (perfOwners) {
  console.log(`\nOn-CPU profile of the provider(s) during the measured stretch (perf, every thread; ${join(scratch, 'perf-*.data')}), CPU per flow by owner:`);
  console.log(table(['owner', '%', 'ms per flow'], perfOwners.map((o) => [o.owner, o.percent.toFixed(1), o.ms_per_flow.toFixed(3)])));
}
if (report.profile) console.log(`\nCPU profile of the provider(s) (${profileDir}), top ${report.profile.length} by self time:\n${formatProfile(report.profile)}`);
const out = resolve(args.get('out') ?? join(scratch, `bench-${scenario}.json`));
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nreport written to ${out}`);
const compareWith = args.get('compare');
if (compareWith) {
  console.log(`\nthis run ÷ ${compareWith}:\n${formatRatios(compareReports(JSON.parse(readFileSync(compareWith, 'utf8')), report))}`);
}
process.exit(0);
