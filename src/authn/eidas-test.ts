// IDT-11, AUTHN-02: the eIDAS test login (test mode only). A foreign (eIDAS) identity is typed in:
// the identifier `CC/NO/<identifier at home>`, first and last name and date of birth. The result
// is amr ["eIDAS"] at eidas-loa-substantial or eidas-loa-high, with the four eidas_* attributes;
// it has no Norwegian number (IDT-05) unless the configured match table maps the identifier to a
// synthetic one (OP_EIDAS_MATCH_FILE). The form's ids are the contract of docs/interface.md.
import type { Mode } from '../config.js';
import { isEidasLevel, type EidasLevel } from '../protocol/acr.js';
import { isAcceptedForMode, parseIdentityNumber } from '../protocol/national-identity-number.js';
import type { EidasAttributes } from '../protocol/tokens.js';
import { offeredLevels, type Authenticator, type AuthenticationOutcome } from './authenticator.js';

export type EidasProblem = 'eidas-identifier' | 'eidas-firstname' | 'eidas-lastname' | 'eidas-date-of-birth' | 'eidas-acr';

/** IDT-11: the citizen's country (two capital letters, not Norway), Norway, and a bounded identifier. */
const eidasIdentifierPattern = /^([A-Z]{2})\/NO\/([A-Za-z0-9+/=_.:-]{1,200})$/;
/** Names as a foreign eID gives them: 1-100 characters, no control characters. */
const namePattern = /^[^\p{C}]{1,100}$/u;

function parseEidasIdentifier(value: string): string | undefined {
  const match = eidasIdentifierPattern.exec(value);
  // IDT-11: a foreign identity; a Norwegian citizen logs in with a Norwegian eID.
  return match && match[1] !== 'NO' ? value : undefined;
}

/** IDT-11: YYYY-MM-DD, a calendar date from 1900 on and not after today. */
function isDateOfBirth(value: string, nowMs: number): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && Number(match[1]) >= 1900 && date.getTime() <= nowMs;
}

/** OP_EIDAS_MATCH_FILE: eIDAS identifier → synthetic Norwegian number (IDT-05). Throws with every bad entry named. */
export function parseEidasMatchTable(input: unknown, mode: Mode): ReadonlyMap<string, string> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('OP_EIDAS_MATCH_FILE must hold a JSON object of eIDAS identifier → national identity number');
  const problems: string[] = [];
  const table = new Map<string, string>();
  for (const [identifier, pid] of Object.entries(input)) {
    if (!parseEidasIdentifier(identifier)) problems.push(`entry ${JSON.stringify(identifier.slice(0, 60))}: the key must be an eIDAS identifier CC/NO/… of a country other than NO (IDT-11)`);
    const parsed = typeof pid === 'string' ? parseIdentityNumber(pid) : undefined;
    // AUTHN-05, ENV-03: the match gives a synthetic number in test mode, never a real person's.
    if (!parsed?.ok || !isAcceptedForMode(parsed.kind, mode)) problems.push(`entry ${JSON.stringify(identifier.slice(0, 60))}: the value must be a valid ${mode === 'test' ? 'synthetic ' : ''}national identity number (IDT-05, AUTHN-05)`);
    else table.set(identifier, pid as string);
  }
  if (problems.length > 0) throw new Error(`OP_EIDAS_MATCH_FILE is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return table;
}

export function eidasTestAuthenticator(matches: ReadonlyMap<string, string>, clock: () => number): Authenticator {
  const levels: readonly EidasLevel[] = ['eidas-loa-substantial', 'eidas-loa-high'];
  const self: Authenticator = {
    id: 'eidas',
    scale: 'eidas',
    levels,
    amr: ['eIDAS'],
    start: () => ({ kind: 'form' }),
    complete({ form = {}, requirement }): AuthenticationOutcome {
      const fail = (problem: EidasProblem): AuthenticationOutcome => ({ ok: false, problem });
      const identifier = parseEidasIdentifier((form.eidas_identifier ?? '').trim());
      // IDT-11: every attribute present and well-formed, each refusal naming the field.
      if (!identifier) return fail('eidas-identifier');
      const firstname = (form.eidas_firstname ?? '').trim();
      if (!namePattern.test(firstname)) return fail('eidas-firstname');
      const lastname = (form.eidas_lastname ?? '').trim();
      if (!namePattern.test(lastname)) return fail('eidas-lastname');
      const dateOfBirth = (form.eidas_date_of_birth ?? '').trim();
      if (!isDateOfBirth(dateOfBirth, clock())) return fail('eidas-date-of-birth');
      // AUTHN-01, AUTHZ-11: a level the request accepts; without a choice, the weakest of those.
      const offered = offeredLevels(self, requirement);
      const chosen = form.eidas_acr === undefined || form.eidas_acr === '' ? offered[0] : form.eidas_acr;
      if (!isEidasLevel(chosen) || !offered.includes(chosen)) return fail('eidas-acr');
      const eidas: EidasAttributes = { eidas_identifier: identifier, eidas_firstname: firstname, eidas_lastname: lastname, eidas_date_of_birth: dateOfBirth };
      // IDT-05: pid only when the match table knows this identity.
      const pid = matches.get(identifier);
      // AUTHN-02, IDT-11: amr ["eIDAS"], acr eidas-loa-*.
      return { ok: true, result: { ...(pid !== undefined ? { pid } : {}), acr: chosen, amr: ['eIDAS'], eidas } };
    },
  };
  return self;
}
