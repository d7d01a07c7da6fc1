import { describe, expect, it } from 'vitest';
import { randomBytesFromPool, randomToken } from '../src/random.js';

describe('pooled CSPRNG', () => {
  it('AUTHZ-19 hands out identifiers of the requested size that never repeat, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(randomToken(32));
    expect(seen.size).toBe(2000);
    for (const token of seen) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('returns copies, so a caller changing its bytes cannot affect another caller', () => {
    const a = randomBytesFromPool(16);
    const copy = Buffer.from(a);
    a.fill(0);
    const b = randomBytesFromPool(16);
    expect(b.equals(Buffer.alloc(16))).toBe(false);
    expect(copy.equals(Buffer.alloc(16))).toBe(false);
  });

  it('serves requests larger than the pool directly', () => {
    const big = randomBytesFromPool(10_000);
    expect(big.length).toBe(10_000);
    expect(new Set(big).size).toBeGreaterThan(200);
  });
});
