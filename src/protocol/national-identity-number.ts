// Norwegian national identity numbers (fødselsnummer, D-number, synthetic test numbers) as typed
// into the TestID login: AUTHN-04 (mod-11 check digits), AUTHN-05 (D-number and synthetic offsets,
// real calendar date, which kinds each mode accepts), AUTHN-06 (century from the individual number),
// AUTHN-08 (test vectors, see the tests). AUTHN-07: the flag for the post-2032 expanded variant
// defaults to off and is not offered, so the classic rule below is the only one: a K1 that is the
// computed value plus 1-3 is refused as wrong check digits.

export type IdentityNumberKind = 'ordinary' | 'd-number' | 'synthetic' | 'synthetic-d-number';

export type IdentityNumberProblem = 'format' | 'check-digits' | 'date';

export type ParsedIdentityNumber =
  | { ok: true; kind: IdentityNumberKind; birthDate: string /* YYYY-MM-DD */ }
  | { ok: false; problem: IdentityNumberProblem };

// AUTHN-04: weights for D1 D2 M1 M2 Y1 Y2 I1 I2 I3 (K1), and for the same digits plus K1 (K2).
const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

const D_NUMBER_DAY_OFFSET = 40;
const SYNTHETIC_MONTH_OFFSET = 80;

/** The check digit for `digits` under `weights`, or undefined when it would be 10. */
function checkDigit(digits: readonly number[], weights: readonly number[]): number | undefined {
  let sum = 0;
  weights.forEach((weight, i) => {
    sum += weight * (digits[i] ?? 0);
  });
  const k = 11 - (sum % 11);
  // AUTHN-04: a computed 11 becomes 0; a computed 10 means no number with these digits can exist
  if (k === 11) return 0;
  return k === 10 ? undefined : k;
}

/** Both check digits for the first nine digits, or undefined when either would be 10. */
function checkDigits(first9: readonly number[]): [number, number] | undefined {
  // AUTHN-04: K1 = 11 − (weighted sum of D1…I3 mod 11); 10 cannot exist
  const k1 = checkDigit(first9, K1_WEIGHTS);
  if (k1 === undefined) return undefined;
  // AUTHN-04: K2 = 11 − (weighted sum of D1…I3 and K1 mod 11); 10 cannot exist
  const k2 = checkDigit([...first9, k1], K2_WEIGHTS);
  if (k2 === undefined) return undefined;
  return [k1, k2];
}

/** The four-digit birth year for a two-digit year and an individual number, or undefined. */
function centuryYear(yy: number, individual: number): number | undefined {
  // AUTHN-06: 000–499 → 1900–1999
  if (individual <= 499) return 1900 + yy;
  // AUTHN-06: 500–749 with YY ≥ 54 → 1854–1899
  if (individual <= 749 && yy >= 54) return 1800 + yy;
  // AUTHN-06: 500–999 with YY ≤ 39 → 2000–2039
  if (yy <= 39) return 2000 + yy;
  // AUTHN-06: 900–999 with YY ≥ 40 → 1940–1999
  if (individual >= 900) return 1900 + yy;
  // AUTHN-06: 500–749 with YY 40–53 and 750–899 with YY ≥ 40 are not allocated to any century
  return undefined;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function digitsOf(value: string): number[] {
  return Array.from(value, (c) => c.charCodeAt(0) - 48);
}

/** Untrusted text → the kind and birth date of a Norwegian national identity number. */
// AUTHN-04…06, AUTHN-08: the check digits, the date and the century decide; the test vectors of
// AUTHN-08 are in the tests.
export function parseIdentityNumber(value: string): ParsedIdentityNumber {
  // AUTHN-04: exactly eleven ASCII digits; no spaces, separators or other scripts' digits
  if (!/^[0-9]{11}$/.test(value)) return { ok: false, problem: 'format' };
  const digits = digitsOf(value);

  const expected = checkDigits(digits.slice(0, 9));
  if (expected === undefined || expected[0] !== digits[9] || expected[1] !== digits[10]) {
    return { ok: false, problem: 'check-digits' };
  }

  let day = Number(value.slice(0, 2));
  let month = Number(value.slice(2, 4));
  const yy = Number(value.slice(4, 6));
  const individual = Number(value.slice(6, 9));

  // AUTHN-05: a D-number adds 40 to the day (first digit 4–7)
  const dNumber = day > D_NUMBER_DAY_OFFSET;
  if (dNumber) day -= D_NUMBER_DAY_OFFSET;
  // AUTHN-05: a synthetic (test) number adds 80 to the month
  const synthetic = month > SYNTHETIC_MONTH_OFFSET;
  if (synthetic) month -= SYNTHETIC_MONTH_OFFSET;

  const year = centuryYear(yy, individual);
  // AUTHN-05: after removing the offsets the date must be a real calendar date
  if (year === undefined || !isCalendarDate(year, month, day)) return { ok: false, problem: 'date' };

  const kind: IdentityNumberKind = synthetic
    ? dNumber
      ? 'synthetic-d-number'
      : 'synthetic'
    : dNumber
      ? 'd-number'
      : 'ordinary';
  return { ok: true, kind, birthDate: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` };
}

/** Whether a login in `mode` may use a number of this kind. */
export function isAcceptedForMode(kind: IdentityNumberKind, mode: 'test' | 'prod'): boolean {
  const synthetic = kind === 'synthetic' || kind === 'synthetic-d-number';
  // AUTHN-05 ENV-03: test mode accepts only synthetic numbers, so no real person can be logged in
  // through TestID; prod refuses synthetic numbers, which belong to no one
  return mode === 'test' ? synthetic : !synthetic;
}

/**
 * A valid synthetic number (month + 80) for `birthDate` (YYYY-MM-DD) and a three-digit individual
 * number, or undefined when a check digit would be 10 (try the next individual number).
 * Throws RangeError when the date is not a real date or the individual number does not place it in
 * the date's century (AUTHN-06); those are caller mistakes, not bad luck.
 */
export function syntheticIdentityNumber(birthDate: string, individual: number, options: { dNumber?: boolean } = {}): string | undefined {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(birthDate);
  if (!match) throw new RangeError('birthDate must be YYYY-MM-DD');
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (!isCalendarDate(year, month, day)) throw new RangeError('birthDate is not a calendar date');
  if (!Number.isInteger(individual) || individual < 0 || individual > 999) {
    throw new RangeError('individual must be an integer 0–999');
  }
  const yy = year % 100;
  if (centuryYear(yy, individual) !== year) {
    throw new RangeError('individual number does not place the birth date in its century');
  }

  // AUTHN-05: a synthetic D-number carries both offsets (day + 40, month + 80).
  const first9 = `${pad(day + (options.dNumber ? D_NUMBER_DAY_OFFSET : 0), 2)}${pad(month + SYNTHETIC_MONTH_OFFSET, 2)}${pad(yy, 2)}${pad(individual, 3)}`;
  const check = checkDigits(digitsOf(first9));
  return check === undefined ? undefined : `${first9}${check[0]}${check[1]}`;
}

/** The individual numbers that place a birth year in its century (AUTHN-06), lowest first. */
function individualNumbersFor(year: number): number[] {
  const all = Array.from({ length: 1000 }, (_, i) => i);
  return all.filter((individual) => centuryYear(year % 100, individual) === year);
}

/**
 * The first valid synthetic number for `birthDate`, trying the individual numbers of its century
 * from `start` on (wrapping around); undefined only for a date outside 1854–2039.
 */
export function firstSyntheticIdentityNumber(birthDate: string, options: { dNumber?: boolean; start?: number } = {}): string | undefined {
  const candidates = individualNumbersFor(Number(birthDate.slice(0, 4)));
  const from = Math.max(0, candidates.findIndex((individual) => individual >= (options.start ?? 0)));
  for (let i = 0; i < candidates.length; i++) {
    const number = syntheticIdentityNumber(birthDate, candidates[(from + i) % candidates.length]!, options);
    if (number !== undefined) return number;
  }
  return undefined;
}
