import { describe, expect, it } from 'vitest';
import type { IdentityNumberKind } from '../src/protocol/national-identity-number.js';
import {
  isAcceptedForMode,
  parseIdentityNumber,
  syntheticIdentityNumber,
} from '../src/protocol/national-identity-number.js';

// Check digits by the other formulation in AUTHN-04 (each weighted sum including its check digit,
// weight 1, is ≡ 0 mod 11), searched digit by digit, so the test does not share the module's arithmetic.
const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

function weightedSum(digits: string, weights: readonly number[]): number {
  return weights.reduce((sum, w, i) => sum + w * Number(digits[i]), 0);
}

function withCheckDigits(first9: string): string | undefined {
  const k1 = [...'0123456789'].find((c) => weightedSum(first9 + c, W1) % 11 === 0);
  if (k1 === undefined) return undefined;
  const k2 = [...'0123456789'].find((c) => weightedSum(first9 + k1 + c, W2) % 11 === 0);
  return k2 === undefined ? undefined : first9 + k1 + k2;
}

const two = (n: number) => String(n).padStart(2, '0');
const three = (n: number) => String(n).padStart(3, '0');

/** A number with valid check digits for these raw (offset-included) fields, trying individuals in order. */
function numberFor(dd: number, mm: number, yy: number, individuals: readonly number[]): string {
  for (const individual of individuals) {
    const n = withCheckDigits(`${two(dd)}${two(mm)}${two(yy)}${three(individual)}`);
    if (n !== undefined) return n;
  }
  throw new Error(`no valid check digits for ${two(dd)}${two(mm)}${two(yy)} with the given individuals`);
}

/** A number with valid check digits and exactly this individual number, trying days 1–28 of the month. */
function numberWithIndividual(mm: number, yy: number, individual: number): string {
  for (let dd = 1; dd <= 28; dd++) {
    const n = withCheckDigits(`${two(dd)}${two(mm)}${two(yy)}${three(individual)}`);
    if (n !== undefined) return n;
  }
  throw new Error(`no day gives valid check digits for ${two(mm)}${two(yy)}${three(individual)}`);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('parseIdentityNumber', () => {
  it('AUTHN-08 accepts 21879498012 as a valid synthetic number born 1994-07-21', () => {
    expect(parseIdentityNumber('21879498012')).toEqual({ ok: true, kind: 'synthetic', birthDate: '1994-07-21' });
  });

  // Individual number 567 with YY 99 is the 1854–1899 series under AUTHN-06, so this vector's
  // birth date is 1899-12-31, not 1999-12-31.
  it('AUTHN-08 accepts 31129956715 as a valid ordinary number (born 1899-12-31 by AUTHN-06)', () => {
    expect(parseIdentityNumber('31129956715')).toEqual({ ok: true, kind: 'ordinary', birthDate: '1899-12-31' });
  });

  it('AUTHN-08 refuses 17029012345 for its check digits (K1 should be 8)', () => {
    expect(parseIdentityNumber('17029012345')).toEqual({ ok: false, problem: 'check-digits' });
    expect(parseIdentityNumber('17029012385')).toEqual({ ok: true, kind: 'ordinary', birthDate: '1990-02-17' });
  });

  it('AUTHN-04 the test helper agrees with the AUTHN-08 vectors', () => {
    expect(withCheckDigits('218794980')).toBe('21879498012');
    expect(withCheckDigits('311299567')).toBe('31129956715');
    expect(withCheckDigits('170290123')).toBe('17029012385');
  });

  it('AUTHN-04 a single changed digit in any position breaks the check digits', () => {
    const valid = ['21879498012', '31129956715', numberFor(1, 1, 0, range(500, 999)), numberFor(71, 92, 85, range(0, 499))];
    for (const n of valid) {
      expect(parseIdentityNumber(n).ok, n).toBe(true);
      for (let position = 0; position < 11; position++) {
        for (const digit of '0123456789') {
          if (digit === n[position]) continue;
          const changed = n.slice(0, position) + digit + n.slice(position + 1);
          expect(parseIdentityNumber(changed), changed).toEqual({ ok: false, problem: 'check-digits' });
        }
      }
    }
  });

  it('AUTHN-04 refuses every number whose K1 would compute to 10', () => {
    // A prefix whose first weighted sum is ≡ 1 (mod 11): K1 = 11 − 1 = 10, which no digit can be.
    const first9 = range(0, 999)
      .map((i) => `150190${three(i)}`)
      .find((p) => 11 - (weightedSum(`${p}0`, W1) % 11) === 10);
    expect(first9).toBeDefined();
    expect(withCheckDigits(first9 ?? '')).toBeUndefined();
    for (let k = 0; k < 100; k++) {
      const n = `${first9}${two(k)}`;
      expect(parseIdentityNumber(n), n).toEqual({ ok: false, problem: 'check-digits' });
    }
  });

  it('AUTHN-04 refuses every number whose K2 would compute to 10', () => {
    const first10 = range(0, 999)
      .map((i) => `150190${three(i)}`)
      .map((p) => {
        const k1 = [...'0123456789'].find((c) => weightedSum(p + c, W1) % 11 === 0);
        return k1 === undefined ? undefined : p + k1;
      })
      .find((p) => p !== undefined && 11 - (weightedSum(`${p}0`, W2) % 11) === 10);
    expect(first10).toBeDefined();
    for (const k2 of '0123456789') {
      const n = `${first10}${k2}`;
      expect(parseIdentityNumber(n), n).toEqual({ ok: false, problem: 'check-digits' });
    }
  });

  it('AUTHN-04 a computed check digit of 11 is written as 0', () => {
    const withZero = range(0, 499)
      .map((i) => withCheckDigits(`150190${three(i)}`))
      .filter((n): n is string => n !== undefined)
      .filter((n) => n[9] === '0' || n[10] === '0');
    expect(withZero.length).toBeGreaterThan(0);
    for (const n of withZero) expect(parseIdentityNumber(n), n).toMatchObject({ ok: true });
  });

  it.each([
    ['', 'empty'],
    ['2187949801', '10 digits'],
    ['218794980120', '12 digits'],
    ['21879 498012', 'inner space'],
    [' 21879498012', 'leading space'],
    ['21879498012 ', 'trailing space'],
    ['21879498012\n', 'trailing newline'],
    ['218794-98012', 'separator'],
    ['2187949801a', 'letter'],
    ['+1879498012', 'sign'],
    ['2187949801２', 'full-width digit'],
    ['2187949801٢', 'Arabic-Indic digit'],
    ['2.187949801', 'decimal point'],
  ])('AUTHN-04 refuses %j (%s) as a format problem', (value) => {
    expect(parseIdentityNumber(value)).toEqual({ ok: false, problem: 'format' });
  });
});

describe('AUTHN-05 offsets and calendar dates', () => {
  it('AUTHN-05 reads a D-number: day + 40', () => {
    const n = numberFor(55, 3, 85, range(0, 499));
    expect(parseIdentityNumber(n)).toEqual({ ok: true, kind: 'd-number', birthDate: '1985-03-15' });
  });

  it('AUTHN-05 reads a synthetic number: month + 80', () => {
    const n = numberFor(15, 83, 85, range(0, 499));
    expect(parseIdentityNumber(n)).toEqual({ ok: true, kind: 'synthetic', birthDate: '1985-03-15' });
  });

  it('AUTHN-05 reads a synthetic D-number: day + 40 and month + 80', () => {
    const n = numberFor(55, 83, 85, range(0, 499));
    expect(parseIdentityNumber(n)).toEqual({ ok: true, kind: 'synthetic-d-number', birthDate: '1985-03-15' });
  });

  it('AUTHN-05 reads the extreme offset days and months: D-number day 71 = 31, synthetic month 92 = 12', () => {
    expect(parseIdentityNumber(numberFor(71, 12, 5, range(500, 999)))).toEqual({ ok: true, kind: 'd-number', birthDate: '2005-12-31' });
    expect(parseIdentityNumber(numberFor(41, 81, 5, range(500, 999)))).toEqual({ ok: true, kind: 'synthetic-d-number', birthDate: '2005-01-01' });
    expect(parseIdentityNumber(numberFor(1, 92, 5, range(500, 999)))).toEqual({ ok: true, kind: 'synthetic', birthDate: '2005-12-01' });
  });

  it.each([
    ['30 February', 30, 2],
    ['30 February in a D-number', 70, 2],
    ['30 February in a synthetic number', 30, 82],
    ['month 13', 1, 13],
    ['month 13 after the synthetic offset', 1, 93],
    ['month 00', 1, 0],
    ['month 00 after the synthetic offset', 1, 80],
    ['month 14–79 (no offset explains it)', 1, 41],
    ['day 32', 32, 1],
    ['day 32 after the D-number offset', 72, 1],
    ['day 00', 0, 1],
    ['day 40 (neither a day nor a D-number)', 40, 1],
    ['31 April', 31, 4],
    ['31 November in a synthetic D-number', 71, 91],
  ])('AUTHN-05 refuses %s as a date problem although the check digits are valid', (_label, dd, mm) => {
    const n = numberFor(dd, mm, 85, range(0, 499));
    expect(parseIdentityNumber(n), n).toEqual({ ok: false, problem: 'date' });
  });
});

describe('AUTHN-06 century from the individual number', () => {
  it.each([
    // individual, YY, expected birth year or undefined for 'date'
    [0, 0, 1900],
    [0, 99, 1999],
    [499, 60, 1960],
    [500, 60, 1860],
    [749, 60, 1860],
    [750, 60, undefined],
    [899, 60, undefined],
    [900, 60, 1960],
    [999, 99, 1999],
    [500, 54, 1854],
    [500, 53, undefined],
    [749, 54, 1854],
    [749, 53, undefined],
    [600, 40, undefined],
    [500, 39, 2039],
    [500, 40, undefined],
    [750, 39, 2039],
    [750, 40, undefined],
    [899, 39, 2039],
    [900, 39, 2039],
    [900, 40, 1940],
    [999, 0, 2000],
    [900, 53, 1953],
    [900, 54, 1954],
    [499, 39, 1939],
    [499, 40, 1940],
    [499, 53, 1953],
    [499, 54, 1954],
  ])('AUTHN-06 individual %i with YY %i gives %s', (individual, yy, year) => {
    const n = numberWithIndividual(6, yy, individual);
    expect(n.slice(6, 9)).toBe(three(individual));
    if (year === undefined) {
      expect(parseIdentityNumber(n), n).toEqual({ ok: false, problem: 'date' });
    } else {
      expect(parseIdentityNumber(n), n).toEqual({ ok: true, kind: 'ordinary', birthDate: `${year}-06-${n.slice(0, 2)}` });
    }
  });

  it('AUTHN-06 29 February 2000 is a real date (2000 is a leap year)', () => {
    const n = numberFor(29, 2, 0, range(500, 999));
    expect(parseIdentityNumber(n)).toEqual({ ok: true, kind: 'ordinary', birthDate: '2000-02-29' });
  });

  it('AUTHN-06 29 February 1900 is not a date (1900 is not a leap year)', () => {
    const n = numberFor(29, 2, 0, range(0, 499));
    expect(parseIdentityNumber(n)).toEqual({ ok: false, problem: 'date' });
  });

  it('AUTHN-06 29 February follows the leap years of the century the individual number picks', () => {
    // YY 96: 1896 (500–749) and 1996 (000–499) are leap years; YY 00 of 1900 is not, of 2000 is.
    expect(parseIdentityNumber(numberFor(29, 2, 96, range(500, 749)))).toMatchObject({ ok: true, birthDate: '1896-02-29' });
    expect(parseIdentityNumber(numberFor(29, 2, 96, range(0, 499)))).toMatchObject({ ok: true, birthDate: '1996-02-29' });
    expect(parseIdentityNumber(numberFor(29, 2, 97, range(0, 499)))).toEqual({ ok: false, problem: 'date' });
    expect(parseIdentityNumber(numberFor(29, 82, 0, range(500, 999)))).toEqual({ ok: true, kind: 'synthetic', birthDate: '2000-02-29' });
    expect(parseIdentityNumber(numberFor(69, 82, 0, range(0, 499)))).toEqual({ ok: false, problem: 'date' });
  });
});

describe('isAcceptedForMode', () => {
  it.each<[IdentityNumberKind, boolean, boolean]>([
    ['ordinary', false, true],
    ['d-number', false, true],
    ['synthetic', true, false],
    ['synthetic-d-number', true, false],
  ])('AUTHN-05 %s: test mode %s, prod mode %s', (kind, test, prod) => {
    expect(isAcceptedForMode(kind, 'test')).toBe(test);
    expect(isAcceptedForMode(kind, 'prod')).toBe(prod);
  });
});

describe('syntheticIdentityNumber', () => {
  it('AUTHN-05 builds the AUTHN-08 synthetic vector from its birth date and individual number', () => {
    expect(syntheticIdentityNumber('1994-07-21', 980)).toBe('21879498012');
  });

  it('AUTHN-05 AUTHN-06 round-trips through parseIdentityNumber for every 97th day from 1854 to 2039', () => {
    // The individual-number series AUTHN-06 allots to each birth year.
    const seriesFor = (year: number): [number, number][] => {
      if (year < 1900) return [[500, 749]];
      if (year < 1940) return [[0, 499]];
      if (year < 2000) return [[0, 499], [900, 999]];
      return [[500, 999]];
    };
    let built = 0;
    let refused = 0;
    let step = 0;
    const end = Date.UTC(2039, 11, 31);
    for (let t = Date.UTC(1854, 0, 1); t <= end; t += 97 * 86_400_000) {
      const birthDate = new Date(t).toISOString().slice(0, 10);
      const [yyyy = '', mm = '', dd = ''] = birthDate.split('-');
      for (const [lo, hi] of seriesFor(Number(yyyy))) {
        // Walk through each series so many different check-digit cases occur, ends included.
        for (const individual of [lo, hi, lo + ((step++ * 37) % (hi - lo + 1))]) {
          const expected = withCheckDigits(`${dd}${two(Number(mm) + 80)}${yyyy.slice(2)}${three(individual)}`);
          const n = syntheticIdentityNumber(birthDate, individual);
          expect(n, `${birthDate} ${individual}`).toBe(expected);
          if (n === undefined) {
            refused++;
            continue;
          }
          built++;
          expect(parseIdentityNumber(n), n).toEqual({ ok: true, kind: 'synthetic', birthDate });
        }
      }
    }
    expect(built).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(0);
  });

  it('AUTHN-04 returns undefined exactly when a check digit would be 10, for every individual number of one date', () => {
    let refused = 0;
    for (let individual = 0; individual <= 499; individual++) {
      const n = syntheticIdentityNumber('1985-03-15', individual);
      const expected = withCheckDigits(`158385${three(individual)}`);
      expect(n, String(individual)).toBe(expected);
      if (n === undefined) refused++;
      else expect(parseIdentityNumber(n)).toEqual({ ok: true, kind: 'synthetic', birthDate: '1985-03-15' });
    }
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(500);
  });

  it.each([
    ['1985-02-29', 100, 'not a calendar date'],
    ['1985-13-01', 100, 'month 13'],
    ['85-03-15', 100, 'not YYYY-MM-DD'],
    ['1985-03-15', 500, 'individual 500 with YY 85 is unallocated'],
    ['1985-03-15', 1000, 'four-digit individual'],
    ['1985-03-15', -1, 'negative individual'],
    ['1985-03-15', 1.5, 'fractional individual'],
    ['2000-01-01', 100, 'individual 100 means 1900, not 2000'],
    ['1899-01-01', 100, 'individual 100 means 1999, not 1899'],
    ['1853-01-01', 600, 'before 1854'],
    ['2040-01-01', 600, 'after 2039'],
  ])('AUTHN-06 refuses %s with individual %s (%s) as a RangeError', (birthDate, individual) => {
    expect(() => syntheticIdentityNumber(birthDate, individual)).toThrow(RangeError);
  });
});

describe('AUTHN-07 expanded identifiers (flag off)', () => {
  it('AUTHN-07 refuses the post-2032 variant, whose K1 is the computed value plus 1 to 3, as wrong check digits', () => {
    const first9 = '218794980'; // the first nine digits of the AUTHN-08 synthetic vector
    const sum1 = weightedSum(first9, W1.slice(0, 9));
    const k1 = (11 - (sum1 % 11)) % 11;
    let refused = 0;
    for (const offset of [1, 2, 3]) {
      const expandedK1 = k1 + offset;
      if (expandedK1 > 9) continue;
      const first10 = `${first9}${expandedK1}`;
      const k2 = (11 - (weightedSum(first10, W2.slice(0, 10)) % 11)) % 11;
      if (k2 === 10) continue;
      expect(parseIdentityNumber(`${first10}${k2}`)).toEqual({ ok: false, problem: 'check-digits' });
      refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(parseIdentityNumber('21879498012').ok).toBe(true);
  });
});
