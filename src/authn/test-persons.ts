// AUTHN-03: ready synthetic persons for the TestID page and `npm run testid`, so that a tester
// need not compute check digits. Ages are counted from today (the injected clock), so "under 18"
// stays under 18; every number is synthetic (month + 80, AUTHN-05) and so refused in prod.
import { firstSyntheticIdentityNumber } from '../protocol/national-identity-number.js';

export type TestPersonKind = 'adult' | 'minor' | 'senior' | 'd-number';

export interface TestPerson {
  kind: TestPersonKind;
  pid: string;
  /** Whole years on the given day. */
  age: number;
  birthDate: string;
}

/** The persons the login page offers: who they are and how old. */
const catalogue: readonly { kind: TestPersonKind; age: number }[] = [
  { kind: 'adult', age: 42 },
  { kind: 'minor', age: 16 },
  { kind: 'senior', age: 71 },
  { kind: 'd-number', age: 29 },
];

const iso = (date: Date): string => date.toISOString().slice(0, 10);

/** A birth date `age` years and some 100 days before `nowMs`: the person is `age` all season. */
function birthDateFor(nowMs: number, age: number): string {
  const date = new Date(nowMs - 100 * 86_400_000);
  date.setUTCFullYear(date.getUTCFullYear() - age);
  return iso(date);
}

/** The list changes once a day at most; every login page shows it, so it is built once per day. */
let cached: { day: string; persons: readonly TestPerson[] } | undefined;

export function testPersons(nowMs: number): readonly TestPerson[] {
  const day = iso(new Date(nowMs));
  if (cached?.day !== day) cached = { day, persons: Object.freeze(buildTestPersons(nowMs)) };
  return cached.persons;
}

function buildTestPersons(nowMs: number): TestPerson[] {
  return catalogue.map(({ kind, age }) => {
    const birthDate = birthDateFor(nowMs, age);
    const pid = firstSyntheticIdentityNumber(birthDate, { dNumber: kind === 'd-number' });
    if (pid === undefined) throw new Error(`no synthetic number for ${birthDate}`);
    return { kind, pid, age, birthDate };
  });
}

/**
 * `count` valid synthetic numbers with random birth dates (ages 1–99) and random individual
 * numbers; `random` returns a number in [0, 1). Every fifth is a D-number.
 */
export function randomSyntheticNumbers(count: number, nowMs: number, random: () => number): string[] {
  const numbers: string[] = [];
  while (numbers.length < count) {
    const birthMs = nowMs - Math.floor((1 + random() * 98) * 365.25 * 86_400_000);
    const pid = firstSyntheticIdentityNumber(iso(new Date(birthMs)), { dNumber: numbers.length % 5 === 4, start: Math.floor(random() * 1000) });
    if (pid !== undefined) numbers.push(pid);
  }
  return numbers;
}
