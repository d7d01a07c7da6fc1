// `npm run testid -- <count>`: prints <count> valid synthetic national identity numbers (month + 80,
// every fifth a D-number), one a line with the birth date and kind, for the TestID login page.
// Synthetic numbers belong to nobody; test mode accepts only them (AUTHN-05).
import { randomInt } from 'node:crypto';
import { randomSyntheticNumbers } from '../authn/test-persons.js';
import { parseIdentityNumber } from '../protocol/national-identity-number.js';

export async function main(argv: string[]): Promise<void> {
  const argument = argv[0] ?? '1';
  const count = Number(argument);
  if (!/^\d+$/.test(argument) || count < 1 || count > 10_000) {
    process.stderr.write('usage: npm run testid -- <count>   (count must be a whole number from 1 to 10000)\n');
    process.exit(64);
  }
  for (const pid of randomSyntheticNumbers(count, Date.now(), () => randomInt(0, 2 ** 32) / 2 ** 32)) {
    const parsed = parseIdentityNumber(pid);
    process.stdout.write(`${pid}  ${parsed.ok ? `${parsed.birthDate} ${parsed.kind}` : ''}\n`);
  }
}
