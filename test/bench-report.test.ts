// The pure pieces of `npm run bench` (scripts/bench/report.ts): percentiles, the ratios of two
// reports, the CPU profile summary and the key shapes. No timing is measured or asserted here.
import { describe, expect, it } from 'vitest';
import { compareReports, formatRatios, formatReport, keyPattern, numericLeaves, percentile, percentiles, summariseProfiles, type BenchReport, type CpuProfile } from '../scripts/bench/report.js';

describe('bench report', () => {
  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 99)).toBe(0);
    expect(percentiles([3, 1, 2])).toEqual({ p50: 2, p95: 3, p99: 3 });
  });

  it('flattens numeric leaves and sums arrays of numbers', () => {
    const leaves = numericLeaves({ run: { flows_per_second: 10, provider_rss_mb: [100, 50], request_latency_ms: { p99: 20 } }, scenario: 'code' });
    expect(Object.fromEntries(leaves)).toEqual({ 'run.flows_per_second': 10, 'run.provider_rss_mb': 150, 'run.request_latency_ms.p99': 20 });
  });

  it('compares two reports measure by measure: this run divided by the old one', () => {
    const old = { concurrency: 10, run: { seconds: 20, flows: 4000, flows_per_second: 200, server_cpu_ms_per_flow: 2, redis_round_trips_per_flow: 0 } };
    const now = { concurrency: 10, run: { seconds: 20.1, flows: 5000, flows_per_second: 250, server_cpu_ms_per_flow: 1.5, redis_round_trips_per_flow: 6, new_measure: 1 } };
    const ratios = compareReports(old, now);
    expect(ratios).toEqual([
      { measure: 'run.flows_per_second', old: 200, new: 250, ratio: 1.25 },
      { measure: 'run.server_cpu_ms_per_flow', old: 2, new: 1.5, ratio: 0.75 },
      { measure: 'run.redis_round_trips_per_flow', old: 0, new: 6, ratio: null },
    ]);
    expect(formatRatios(ratios)).toContain('| run.flows_per_second');
  });

  it('summarises self time per function from a .cpuprofile, idle left out', () => {
    const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('sign', 'file:///app/node_modules/jose/dist/sign.js', 9) },
        { id: 4, callFrame: frame('sign', 'file:///app/node_modules/jose/dist/sign.js', 9) },
        { id: 5, callFrame: frame('', 'file:///app/dist/src/flows/login.js', 41) },
      ],
      // Sample i lasts timeDeltas[i + 1] µs.
      samples: [3, 2, 4, 5, 3],
      timeDeltas: [0, 1000, 5000, 2000, 1000],
    };
    expect(summariseProfiles([profile], 2)).toEqual([
      { function: 'sign', location: 'jose/dist/sign.js:10', self_ms: 3, self_percent: 75 },
      { function: '(anonymous)', location: 'dist/src/flows/login.js:42', self_ms: 1, self_percent: 25 },
    ]);
  });

  it('prints a machine scenario\'s floor: tokens/s as driven and per core, and where its assertions were signed', () => {
    const run = { label: 'run', seconds: 10, flows: 14_000, failed_flows: 0, flows_per_second: 1400, server_cpu_ms_per_flow: 0.5, request_latency_ms: { p50: 5, p95: 12, p99: 20 }, flow_latency_ms: { p50: 5, p95: 12, p99: 20 }, redis_commands_per_flow: 6, redis_round_trips_per_flow: 1, redis_bytes_retained_per_flow: 600, provider_rss_mb: [150] };
    const report: BenchReport = {
      format: 'idporten-op-bench/1', date: '2026-12-05T00:00:00.000Z', commit: 'abc1234', scenario: 'machine-key', instances: 1, concurrency: 10, server_cpu: '0', load_average: { start: [1, 1, 1], end: [] },
      run,
      floor: { sign_verify_per_second: 3500, tokens_percent_of_floor: 40, tokens_per_core_second: 2000, core_percent_of_floor: 57.1, assertions: { ahead: 13_500, during: 500 } },
    };
    const text = formatReport(report);
    expect(text).toMatch(/\| tokens\/s ÷ floor: as driven, per core \|\s+40(\.0)? %, 2000(\.0)?\/s = 57\.1 % \|/);
    expect(text).toMatch(/\| assertions signed ahead \/ during\s+\|\s+13500 \/ 500 \|/);
  });

  it('names keys by shape, without ids', () => {
    const prefix = 'opbench:1234abcd:';
    expect(keyPattern(`${prefix}{s:AbC-12_x}`, prefix)).toBe('{s:*}');
    expect(keyPattern(`${prefix}{c:h4sh}:used`, prefix)).toBe('{c:*}:used');
    expect(keyPattern(`${prefix}{rl:par:127.0.0.1}:28981`, prefix)).toBe('{rl:*}:*');
    expect(keyPattern(`${prefix}{clients}:records`, prefix)).toBe('{clients}:records');
  });
});
