// `npm run testid -- <count>`: prints <count> valid synthetic national identity numbers (month + 80,
// every fifth a D-number), one a line with the birth date and kind, for the TestID login page.
// Synthetic numbers belong to nobody; test mode accepts only them (AUTHN-05).
import { randomInt } from 'node:crypto';
import { randomSyntheticNumbers } from '../src/authn/test-persons.js';
import { parseIdentityNumber } from '../src/protocol/national-identity-number.js';

const argument = process.argv[2] ?? '1';
const count = Number(argument);
if (!/^\d+$/.test(argument) || count < 1 || count > 10_000) {
  process.stderr.write('usage: npm run testid -- <count>   (count must be a whole number from 1 to 10000)\n');
  process.exit(64);
}
for (const pid of randomSyntheticNumbers(count, Date.now(), () => randomInt(0, 2 ** 32) / 2 ** 32)) {
  const parsed = parseIdentityNumber(pid);
  process.stdout.write(`${pid}  ${parsed.ok ? `${parsed.birthDate} ${parsed.kind}` : ''}\n`);
}
