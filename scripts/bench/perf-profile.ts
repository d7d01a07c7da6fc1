// The on-CPU profile of `npm run bench -- --perf`: Linux `perf record` samples (cpu-clock, call
// graphs, every thread of the provider) with the provider's JIT symbols (`--perf-basic-prof`),
// summarised by owner: the package (node_modules/<name>) or the module of ours (dist/<path>) of
// the innermost JavaScript frame that has one, so Node's own code (sockets, HTTP, crypto) and the
// kernel's work under it are charged to whoever called it. RS256 signing (`signJwt`) is its own
// owner; samples with no JavaScript frame are named by what they are (the event loop's I/O, the
// garbage collector, the optimising compiler, other threads).
//
// Unlike V8's `--cpu-prof`, which samples the main thread's stack on a timer whether or not the
// thread is on a CPU, perf counts only time actually spent on a CPU, on every thread: on a core
// shared with other threads a system call that waits looks expensive in `--cpu-prof` and costs
// nothing here.

export interface PerfSample {
  tid: string;
  /** Innermost first: symbol names as `perf script -F tid,ip,sym,dso` prints them. */
  frames: { symbol: string; dso: string }[];
}

export interface OwnerEntry {
  owner: string;
  percent: number;
  /** ms of CPU per flow: the share × the run's server CPU per flow. */
  ms_per_flow: number;
}

/** `perf script -F tid,ip,sym,dso` output → samples. */
export function parsePerfScript(text: string): PerfSample[] {
  const samples: PerfSample[] = [];
  let current: PerfSample | undefined;
  for (const line of text.split('\n')) {
    const header = /^\s*(\d+)\s*$/.exec(line);
    if (header) {
      current = { tid: header[1]!, frames: [] };
      samples.push(current);
      continue;
    }
    const frame = /^\s+[0-9a-f]+ (.*) \((.*)\)$/.exec(line);
    if (frame && current) current.frames.push({ symbol: frame[1]!, dso: frame[2]! });
  }
  return samples;
}

const packageOf = /node_modules\/((?:@[^/]+\/)?[^/:]+)/;
const moduleOf = /\/dist\/([^:]+)/;

/** Who a sample's time belongs to (see the head of this file). */
export function ownerOf(sample: PerfSample, mainTid: string): string {
  const { frames } = sample;
  const has = (pattern: RegExp) => frames.some((f) => pattern.test(f.symbol));
  if (sample.tid !== mainTid) {
    if (has(/OptimizingCompileDispatcher|Compiler|Turbofan|Maglev/)) return '(other threads: optimising compiler)';
    if (has(/Scaveng|Marking|Sweep|Heap|GC|Compactor|Evacuat/)) return '(other threads: garbage collector)';
    if (has(/crypto/)) return '(other threads: crypto jobs)';
    return '(other threads: thread pool, waits)';
  }
  if (has(/^JS:[*~^]?(signJwt|signOneShot) /) || has(/RSA_sign|rsa_ossl_private_encrypt/)) return 'RS256 signing (node:crypto)';
  for (const frame of frames) {
    if (!frame.symbol.startsWith('JS:')) continue;
    const pkg = packageOf.exec(frame.symbol);
    if (pkg) return pkg[1]!;
    const mod = moduleOf.exec(frame.symbol);
    if (mod) return `ours: ${mod[1]}`;
  }
  if (has(/Scaveng|MarkCompact|GarbageCollect|Heap::/)) return '(garbage collector, main thread)';
  if (has(/bn_|BN_|rsaz_/)) return 'RS256 signing (node:crypto)';
  if (has(/uv__io_poll|uv__read|uv__stream|uv__write|epoll|llhttp/)) return '(event loop: socket I/O, HTTP parsing)';
  return '(other: no JavaScript frame)';
}

/** Share of the samples per owner, largest first, the top `top`. */
export function summariseOwners(samples: readonly PerfSample[], mainTid: string, cpuMsPerFlow: number, top = 20): OwnerEntry[] {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const owner = ownerOf(sample, mainTid);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  const total = samples.length;
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([owner, n]) => ({
      owner,
      percent: total === 0 ? 0 : Number(((100 * n) / total).toFixed(1)),
      ms_per_flow: total === 0 ? 0 : Number(((cpuMsPerFlow * n) / total).toFixed(3)),
    }));
}
