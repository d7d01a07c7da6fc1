// The pure pieces of `npm run bench`: percentiles, the summary table, the comparison of two
// reports (ratios) and the summary of a V8 .cpuprofile (self time per function). No I/O here, so
// test/bench-report.test.ts can check them without starting anything.

/** Latency percentiles, in ms. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** One measured stretch of load against the provider(s). */
export interface Measurement {
  label: string;
  seconds: number;
  /** Flows completed; a flow of the machine scenarios is one token. */
  flows: number;
  /** Flows that failed during the stretch (all targets together), e.g. refused by load shedding. */
  failed_flows: number;
  flows_per_second: number;
  /** Server CPU (user + system, every instance) per flow, from /proc. */
  server_cpu_ms_per_flow: number;
  request_latency_ms: Percentiles;
  flow_latency_ms: Percentiles;
  redis_commands_per_flow: number;
  /** Writes the provider sent to Redis per flow, measured with one user at a time; null without `ss`. */
  redis_round_trips_per_flow: number | null;
  /** The same, less what the provider writes to Redis with no user at all (the registry's version poll), at that rate. */
  redis_round_trips_per_flow_net_of_idle?: number | null;
  /** Writes to Redis per second with no user (background work that no flow causes). */
  redis_idle_writes_per_second?: number | null;
  /** Growth of Redis' used_memory over the stretch ÷ flows: what a flow leaves behind for now (short-lived records included). */
  redis_bytes_retained_per_flow: number;
  /** Resident set size of each provider instance at the end of the stretch, MB. */
  provider_rss_mb: number[];
}

/** Keys of the store by shape (ids replaced by `*`). */
export interface KeyPatternCount {
  pattern: string;
  keys: number;
  without_ttl: number;
  /** The longest remaining TTL seen, s (-1: a key without one). */
  max_ttl_s: number;
  /** MEMORY USAGE of one key of this shape, bytes. */
  sample_bytes: number | null;
}

export interface KeyScan {
  keys: number;
  without_ttl: number;
  /** Patterns of the keys without TTL. */
  without_ttl_patterns: string[];
  patterns: KeyPatternCount[];
}

export interface ProfileEntry {
  function: string;
  location: string;
  self_ms: number;
  /** Share of the profile's busy time (idle excluded). */
  self_percent: number;
}

export interface BenchReport {
  format: 'idporten-op-bench/1';
  date: string;
  commit: string;
  scenario: string;
  instances: number;
  concurrency: number;
  server_cpu: string | null;
  /** /proc/loadavg at the start and at the end of the run (1, 5, 15 minutes). */
  load_average: { start: number[]; end: number[] };
  /** The measured run on an empty store (or the only one). */
  run: Measurement;
  /** --preload: the same run after N live sessions were written, and what they cost. */
  preloaded?: Measurement & {
    sessions: number;
    preload_seconds: number;
    redis_bytes_per_live_session: number;
    throughput_ratio: number;
    p99_ratio: number;
  };
  /** Keys without TTL after the run (the client registry's keys are documented as the only ones). */
  key_scan?: KeyScan;
  /** --soak-minutes: RSS after warm-up and at the end, and the keys at the end. */
  soak?: {
    minutes: number;
    rss_after_warmup_mb: number[];
    rss_end_mb: number[];
    rss_growth_percent: number;
    rss_samples_mb: number[][];
    flows: number;
    store_keys_end: number;
    verdict: string;
  };
  /** Machine scenarios: RS256 sign + verify on one core, and tokens/s as a share of it. */
  floor?: {
    sign_verify_per_second: number;
    /** Tokens/s as driven ÷ the floor. */
    tokens_percent_of_floor: number;
    /** 1000 ÷ server CPU ms per token: tokens/s one saturated core would give. */
    tokens_per_core_second: number;
    core_percent_of_floor: number;
    /** The measured stretch's assertions: signed before it (the load generator idle while measured), or during it. */
    assertions?: { ahead: number; during: number };
  };
  profile?: ProfileEntry[];
  /** --perf: CPU per flow by owner (scripts/bench/perf-profile.ts). */
  perf_profile?: { owner: string; percent: number; ms_per_flow: number }[];
}

/** The p-th percentile of ascending `sorted` values (nearest rank), rounded to 0.1 ms. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number(sorted[index]!.toFixed(1));
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

const fmt = (value: number | null | undefined, digits = 1): string => (value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits));
const lat = (p: Percentiles): string => `${fmt(p.p50)} / ${fmt(p.p95)} / ${fmt(p.p99)}`;

/** Rows of one or two measurements side by side. */
function measurementRows(columns: readonly Measurement[]): string[][] {
  return [
    ['flows/s', ...columns.map((m) => fmt(m.flows_per_second))],
    ['failed flows', ...columns.map((m) => String(m.failed_flows))],
    ['server CPU per flow (ms)', ...columns.map((m) => fmt(m.server_cpu_ms_per_flow, 2))],
    ['request latency p50/p95/p99 (ms)', ...columns.map((m) => lat(m.request_latency_ms))],
    ['flow latency p50/p95/p99 (ms)', ...columns.map((m) => lat(m.flow_latency_ms))],
    ['Redis round trips per flow', ...columns.map((m) => fmt(m.redis_round_trips_per_flow, 2))],
    ['… net of idle background writes', ...columns.map((m) => fmt(m.redis_round_trips_per_flow_net_of_idle ?? null, 2))],
    ['Redis writes/s with no user', ...columns.map((m) => fmt(m.redis_idle_writes_per_second ?? null, 1))],
    ['Redis commands per flow', ...columns.map((m) => fmt(m.redis_commands_per_flow, 2))],
    ['Redis bytes retained per flow', ...columns.map((m) => fmt(m.redis_bytes_retained_per_flow, 0))],
    ['provider RSS (MB)', ...columns.map((m) => m.provider_rss_mb.map((r) => fmt(r)).join(' + '))],
  ];
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The one summary table of a report, as printed. */
export function formatReport(report: BenchReport): string {
  const columns: Measurement[] = [report.run, ...(report.preloaded ? [report.preloaded] : [])];
  const rows = measurementRows(columns);
  if (report.preloaded) {
    const p = report.preloaded;
    rows.push(['Redis bytes per live session (preload)', '', fmt(p.redis_bytes_per_live_session, 0)]);
    rows.push(['loaded ÷ empty: flows/s, p99 flow', '', `${fmt(p.throughput_ratio, 3)}, ${fmt(p.p99_ratio, 3)}`]);
  }
  const pad = (cells: string[]) => [...cells, ...Array(columns.length + 1 - cells.length).fill('')];
  if (report.floor) {
    const f = report.floor;
    rows.push(pad(['RS256 sign+verify floor (1 core, /s)', fmt(f.sign_verify_per_second)]));
    rows.push(pad(['tokens/s ÷ floor: as driven, per core', `${fmt(f.tokens_percent_of_floor)} %, ${fmt(f.tokens_per_core_second)}/s = ${fmt(f.core_percent_of_floor)} %`]));
    if (f.assertions) rows.push(pad(['assertions signed ahead / during', `${f.assertions.ahead} / ${f.assertions.during}`]));
  }
  if (report.key_scan) rows.push(pad(['keys after the run / without TTL', `${report.key_scan.keys} / ${report.key_scan.without_ttl}${report.key_scan.without_ttl_patterns.length ? ` (${report.key_scan.without_ttl_patterns.join(', ')})` : ''}`]));
  if (report.soak) {
    const s = report.soak;
    rows.push(pad(['soak: RSS after warm-up → end (MB)', `${s.rss_after_warmup_mb.map((r) => fmt(r)).join(' + ')} → ${s.rss_end_mb.map((r) => fmt(r)).join(' + ')} (${fmt(s.rss_growth_percent)} %)`]));
    rows.push(pad(['soak: store keys at the end', `${s.store_keys_end} after ${s.flows} flows`]));
  }
  const head = [
    `scenario ${report.scenario}, ${report.instances} instance(s), ${report.concurrency} users, server CPU ${report.server_cpu ?? 'not pinned'}, commit ${report.commit}`,
    `load average ${report.load_average.start.join(' ')} at the start, ${report.load_average.end.join(' ')} at the end`,
  ];
  return [...head, table(['measure', ...columns.map((m) => `${m.label} (${fmt(m.seconds)} s)`)], rows), ...(report.soak ? [`soak verdict: ${report.soak.verdict}`] : [])].join('\n');
}

/** Every numeric leaf of a JSON value, by its dotted path (arrays of numbers are summed: RSS of all instances). */
export function numericLeaves(value: unknown, path = '', out = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) out.set(path, value);
  else if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'number')) out.set(path, (value as number[]).reduce((a, b) => a + b, 0));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) numericLeaves(child, path ? `${path}.${key}` : key, out);
  }
  return out;
}

export interface Ratio {
  measure: string;
  old: number;
  new: number;
  /** new ÷ old; null when old is 0. */
  ratio: number | null;
}

/** The measures both reports have, and this run's value ÷ the old one's. */
export function compareReports(previous: unknown, current: unknown): Ratio[] {
  const old = numericLeaves(previous);
  const now = numericLeaves(current);
  const skip = /^(concurrency|instances|format)$|\.seconds$|^seconds$|\.flows$|\.failed_flows$|^profile\.|\.max_ttl_s$|^load_average\./;
  const ratios: Ratio[] = [];
  for (const [measure, value] of now) {
    const before = old.get(measure);
    if (before === undefined || skip.test(measure)) continue;
    ratios.push({ measure, old: before, new: value, ratio: before === 0 ? null : Number((value / before).toFixed(3)) });
  }
  return ratios;
}

export function formatRatios(ratios: readonly Ratio[]): string {
  return table(
    ['measure', 'old', 'this run', 'this ÷ old'],
    ratios.map((r) => [r.measure, String(Number(r.old.toFixed(3))), String(Number(r.new.toFixed(3))), r.ratio === null ? '—' : r.ratio.toFixed(3)]),
  );
}

/** The parts of a V8 .cpuprofile this summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** A readable place: the package, or the path below dist/ or src/, with the line (1-based). */
function locationOf(url: string, line: number): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  const short = modules >= 0 ? path.slice(modules + 'node_modules/'.length) : /\/(dist|src)\//.test(path) ? path.slice(path.search(/\/(dist|src)\//) + 1) : path;
  return `${short}:${line + 1}`;
}

/**
 * Self time per function over one or more profiles, largest first: each sample's time delta is
 * charged to the node it hit; nodes of the same function (name, script, line) are summed.
 * `(idle)` is left out of the ranking and of the total the shares are of.
 */
export function summariseProfiles(profiles: readonly CpuProfile[], top = 15): ProfileEntry[] {
  const byFunction = new Map<string, { function: string; location: string; us: number }>();
  let busy = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    for (let i = 0; i < profile.samples.length; i++) {
      const frame = nodes.get(profile.samples[i]!);
      // The delta before sample i+1 is the time spent in sample i.
      const us = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
      if (!frame || frame.functionName === '(idle)') continue;
      busy += us;
      const name = frame.functionName || '(anonymous)';
      const key = `${name}\u0000${frame.url}\u0000${frame.lineNumber}`;
      const entry = byFunction.get(key) ?? { function: name, location: locationOf(frame.url, frame.lineNumber), us: 0 };
      entry.us += us;
      byFunction.set(key, entry);
    }
  }
  return [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ function: e.function, location: e.location, self_ms: Number((e.us / 1000).toFixed(1)), self_percent: busy === 0 ? 0 : Number(((100 * e.us) / busy).toFixed(1)) }));
}

export function formatProfile(entries: readonly ProfileEntry[]): string {
  return table(
    ['self %', 'self ms', 'function', 'where'],
    entries.map((e) => [e.self_percent.toFixed(1), e.self_ms.toFixed(1), e.function, e.location]),
  );
}

/** The shape of a key below the prefix: ids inside the hash tag and numbers become `*`. */
export function keyPattern(key: string, prefix: string): string {
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  return rest.replace(/^\{([A-Za-z]+):[^}]*\}/, '{$1:*}').replace(/\d+/g, '*');
}
