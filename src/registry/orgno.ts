// Norwegian organisation numbers (client_orgno, supplier_orgno, scope owners and consumers).
import { z } from 'zod';

/** A Norwegian organisation number (Brønnøysund): 9 digits with a mod-11 check digit. */
export const orgno = z
  .string()
  .regex(/^\d{9}$/, { message: 'must be a 9-digit Norwegian organisation number', abort: true })
  .refine(hasValidOrgnoCheckDigit, { message: 'has a wrong check digit (mod 11)' });

/** Brønnøysund organisation numbers end in a mod-11 check digit (weights 3 2 7 6 5 4 3 2). */
export function hasValidOrgnoCheckDigit(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((acc, weight, i) => acc + weight * Number(value[i]), 0);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(value[8]);
}
