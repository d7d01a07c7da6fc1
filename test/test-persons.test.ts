// AUTHN-03 the ready test persons and `npm run testid`: every number is valid and synthetic, the
// ages are what the labels say, and the D-number is one.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomSyntheticNumbers, testPersons } from '../src/authn/test-persons.js';
import { isAcceptedForMode, parseIdentityNumber } from '../src/protocol/national-identity-number.js';

const ageOn = (birthDate: string, nowMs: number): number => {
  const now = new Date(nowMs);
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  return now.getUTCFullYear() - y - (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d) ? 1 : 0);
};

describe('test persons (AUTHN-03)', () => {
  it.each([Date.UTC(2026, 11, 4), Date.UTC(2028, 1, 29), Date.UTC(2030, 0, 1)])('AUTHN-03 every ready person is a valid synthetic number of the stated age (%s)', (nowMs) => {
    const persons = testPersons(nowMs);
    expect(persons.map((p) => p.kind)).toEqual(['adult', 'minor', 'senior', 'd-number']);
    for (const person of persons) {
      const parsed = parseIdentityNumber(person.pid);
      expect(parsed, person.pid).toMatchObject({ ok: true, birthDate: person.birthDate });
      expect(parsed.ok && isAcceptedForMode(parsed.kind, 'test')).toBe(true);
      expect(parsed.ok && parsed.kind).toBe(person.kind === 'd-number' ? 'synthetic-d-number' : 'synthetic');
      expect(ageOn(person.birthDate, nowMs)).toBe(person.age);
    }
    expect(persons.find((p) => p.kind === 'minor')!.age).toBeLessThan(18);
  });

  it('AUTHN-03 random synthetic numbers are valid, synthetic and distinct enough to use', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const numbers = randomSyntheticNumbers(200, Date.UTC(2026, 11, 4), random);
    expect(numbers).toHaveLength(200);
    for (const n of numbers) {
      const parsed = parseIdentityNumber(n);
      expect(parsed.ok && isAcceptedForMode(parsed.kind, 'test'), n).toBe(true);
    }
    expect(new Set(numbers).size).toBeGreaterThan(190);
  });

  it('AUTHN-03 npm run testid -- <count> (node dist/cli.js testid <count>) prints that many valid synthetic numbers, one a line', () => {
    const output = execFileSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['src/cli.ts', 'testid', '5'], { encoding: 'utf8' });
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      const parsed = parseIdentityNumber(line.split(/\s+/)[0]!);
      expect(parsed.ok && isAcceptedForMode(parsed.kind, 'test'), line).toBe(true);
    }
  });

  it('AUTHN-03 npm run testid refuses a count that is not a whole number from 1 to 10000', () => {
    expect(() => execFileSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['scripts/testid.ts', 'many'], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/count must be a whole number from 1 to 10000/);
  });
});
