// npm run bench:compare -- --base <checkout> [--rounds 3] [--seconds 15] [--concurrency 10] [--server-cpu 0]
// npm run bench:compare -- --base stack-floor   (the base is scripts/bench/stack-floor.ts: the stack's floor)
// (BENCH_NODE_OPTIONS: Node flags of both providers; BENCH_BASE_NODE_OPTIONS, when set, of the base
// alone, so that one build can be compared with itself under other flags.)
// Compare the server CPU per flow of this build with another build (a checkout with a built
// dist/, e.g. `git worktree add /tmp/base <commit> && cd /tmp/base && npm ci && npm run build`),
// side by side: both providers run at once, each on its own private redis-server, pinned to the
// same core, and every user alternates flows between them. Both see the same machine at the same
// moments, so drift and the noise of a shared VM fall on both alike, which running the benchmark
// alternately cannot promise. The flow is bench-flow.ts's (PAR -> authorize -> login page ->
// login -> token with refresh -> userinfo); both run as in production (metrics, the audit log,
// every rate limit counting; variables an older build does not know are ignored by it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { codeFlow as flow } from './bench/code-flow.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const base = args.get('base');
if (!base) {
  process.stderr.write('usage: npm run bench:compare -- --base <checkout with dist/server.js> [--rounds 3] [--seconds 15] [--concurrency 10] [--server-cpu 0]\n');
  process.exit(64);
}
const rounds = Number(args.get('rounds') ?? 3);
const seconds = Number(args.get('seconds') ?? 15);
const concurrency = Number(args.get('concurrency') ?? 10);
const serverCpu = args.get('server-cpu') ?? '0';

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function startRedis(): Promise<{ url: string; client: Redis }> {
  const port = await freePort();
  children.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
  client.on('error', () => {});
  for (let i = 0; i < 100 && (client.status as string) !== 'ready'; i++) {
    await client.connect().catch(() => {});
    if ((client.status as string) !== 'ready') await new Promise((done) => setTimeout(done, 50));
  }
  return { url, client };
}

interface Provider {
  name: string;
  issuer: string;
  pid: number;
  redis: Redis;
  child: ChildProcess;
}

async function startProvider(name: string, entry: string): Promise<Provider> {
  const { url, client } = await startRedis();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const high = '10000000';
  // BENCH_BASE_NODE_OPTIONS, when set, replaces BENCH_NODE_OPTIONS for the base: one build against itself with other Node flags.
  const options = name === 'base' ? (process.env.BENCH_BASE_NODE_OPTIONS ?? process.env.BENCH_NODE_OPTIONS) : process.env.BENCH_NODE_OPTIONS;
  const nodeArgs = [...(options ?? '').split(' ').filter(Boolean), ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), entry];
  const child = spawn('taskset', ['-c', serverCpu, process.execPath, ...nodeArgs], {
    env: {
      ...process.env,
      OP_AUDIT_LOG: join(mkdtempSync(join(tmpdir(), 'op-bench-')), 'audit.log'),
      OP_RATE_LIMIT_PAR_PER_ADDRESS: high,
      OP_RATE_LIMIT_PAR_PER_CLIENT: high,
      OP_RATE_LIMIT_AUTHORIZE_PER_ADDRESS: high,
      OP_ISSUER: issuer,
      OP_PORT: String(port),
      OP_REDIS_URL: url,
      OP_LOG_LEVEL: process.env.OP_LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${issuer}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  return { name, issuer, pid: child.pid!, redis: client, child };
}

const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const commands = async (redis: Redis): Promise<number> => [...(await redis.info('commandstats')).matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);

// `--base stack-floor`: the base is bench/stack-floor.ts, the provider's libraries doing only the
// flow's unavoidable work, run through tsx: what a flow would cost if every line of ours were free.
const baseEntry = base === 'stack-floor' ? new URL('./bench/stack-floor.ts', import.meta.url).pathname : resolve(base, 'dist/server.js');
const providers = [await startProvider('base', baseEntry), await startProvider('this', new URL('../dist/server.js', import.meta.url).pathname)];

/** Every user alternates flows between the providers; flows per provider. */
async function run(durationSeconds: number): Promise<number[]> {
  const end = Date.now() + durationSeconds * 1000;
  const flows = providers.map(() => 0);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, user) => {
      for (let i = user; Date.now() < end; i++) {
        const which = i % providers.length;
        await flow(providers[which]!.issuer);
        flows[which]!++;
      }
    }),
  );
  return flows;
}

await run(3);
const results: { round: number; base: number; this: number; ratio: number; flows_per_second: number[]; commands_per_flow: number[] }[] = [];
for (let round = 1; round <= rounds; round++) {
  const ticks0 = providers.map((p) => cpuTicks(p.pid));
  const commands0 = await Promise.all(providers.map((p) => commands(p.redis)));
  const started = performance.now();
  const flows = await run(seconds);
  const elapsed = (performance.now() - started) / 1000;
  const ticks1 = providers.map((p) => cpuTicks(p.pid));
  const commands1 = await Promise.all(providers.map((p) => commands(p.redis)));
  const cpu = providers.map((_, i) => ((ticks1[i]! - ticks0[i]!) * 10) / flows[i]!);
  results.push({
    round,
    base: Number(cpu[0]!.toFixed(3)),
    this: Number(cpu[1]!.toFixed(3)),
    ratio: Number((cpu[1]! / cpu[0]!).toFixed(3)),
    flows_per_second: flows.map((f) => Number((f / elapsed).toFixed(1))),
    commands_per_flow: providers.map((_, i) => Number(((commands1[i]! - commands0[i]! - 1) / flows[i]!).toFixed(2))),
  });
}
const total = (name: 'base' | 'this') => results.reduce((sum, r) => sum + r[name], 0) / results.length;
console.log(
  JSON.stringify(
    { base, concurrency, seconds, server_pinned_to_cpu: serverCpu, server_cpu_ms_per_flow: results, mean: { base: Number(total('base').toFixed(3)), this: Number(total('this').toFixed(3)), ratio: Number((total('this') / total('base')).toFixed(3)) } },
    null,
    2,
  ),
);
for (const p of providers) p.redis.disconnect();
// A clean stop (SIGTERM), so that a provider run with --cpu-prof (BENCH_NODE_OPTIONS) writes its profile.
await Promise.all(
  providers.map(
    (p) =>
      new Promise((done) => {
        p.child.once('exit', done);
        p.child.kill('SIGTERM');
        setTimeout(done, 15_000).unref();
      }),
  ),
);
process.exit(0);
