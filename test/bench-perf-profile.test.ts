// The on-CPU profile summary of `npm run bench -- --perf` (scripts/bench/perf-profile.ts): pure
// arithmetic over perf's text output; no time is asserted.
import { describe, expect, it } from 'vitest';
import { ownerOf, parsePerfScript, summariseOwners } from '../scripts/bench/perf-profile.js';

const script = [
  ' 100 ',
  '\t    7f00 writev (/usr/lib/libc.so.6)',
  '\t    1234 JS:*end node:_http_outgoing:1034:45 (/tmp/perf-100.map)',
  '\t    1235 JS:*onSendEnd file:///app/node_modules/fastify/lib/reply.js:599:20 (/tmp/perf-100.map)',
  '\t    1236 JS:*token file:///app/dist/routes/token.js:11:1 (/tmp/perf-100.map)',
  '',
  ' 100 ',
  '\t    7f01 rsaz_amm52x20 (/usr/bin/node)',
  '\t    1237 JS:*signOneShot node:internal/crypto/sig:143:21 (/tmp/perf-100.map)',
  '\t    1238 JS:*signJwt file:///app/dist/protocol/jws.js:27:24 (/tmp/perf-100.map)',
  '',
  ' 100 ',
  '\t    1239 JS:*sealed file:///app/dist/keys/sealer.js:20:11 (/tmp/perf-100.map)',
  '',
  ' 100 ',
  '\t    7f02 epoll_pwait (/usr/lib/libc.so.6)',
  '\t    7f03 uv__io_poll (/usr/bin/node)',
  '',
  ' 101 ',
  '\t    7f04 v8::internal::ScavengerCollector::JobTask::Run (/usr/bin/node)',
  '',
].join('\n');

describe('bench --perf summary', () => {
  it('charges each sample to the innermost package or module of ours, signing and I/O by name', () => {
    const samples = parsePerfScript(script);
    expect(samples).toHaveLength(5);
    expect(samples.map((s) => ownerOf(s, '100'))).toEqual([
      'fastify',
      'RS256 signing (node:crypto)',
      'ours: keys/sealer.js',
      '(event loop: socket I/O, HTTP parsing)',
      '(other threads: garbage collector)',
    ]);
  });

  it('turns shares into CPU per flow', () => {
    const owners = summariseOwners(parsePerfScript(script), '100', 2);
    expect(owners[0]).toEqual({ owner: 'fastify', percent: 20, ms_per_flow: 0.4 });
    expect(owners.reduce((sum, o) => sum + o.ms_per_flow, 0)).toBeCloseTo(2, 5);
  });
});
