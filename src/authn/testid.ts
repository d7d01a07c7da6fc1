// AUTHN-03: TestID, the test-mode login: the tester types a synthetic national identity number
// and picks a level; no password. Result amr ["TestID"] (AUTHN-02). Never registered in prod.
import type { Mode } from '../config.js';
import { isAcrLevel, type AcrLevel } from '../protocol/acr.js';
import { isAcceptedForMode, parseIdentityNumber } from '../protocol/national-identity-number.js';
import { offeredLevels, type Authenticator, type AuthenticationOutcome } from './authenticator.js';

export type TestIdProblem = 'pid-format' | 'pid-check-digits' | 'pid-date' | 'pid-not-synthetic' | 'acr';

export function testIdAuthenticator(mode: Mode): Authenticator {
  const levels: readonly AcrLevel[] = ['idporten-loa-substantial', 'idporten-loa-high'];
  const self: Authenticator = {
    id: 'testid',
    scale: 'idporten',
    levels,
    amr: ['TestID'],
    start: () => ({ kind: 'form' }),
    complete({ form = {}, requirement }): AuthenticationOutcome {
      const pid = (form.pid ?? '').trim();
      const parsed = parseIdentityNumber(pid);
      // AUTHN-04…06: a number that cannot exist is refused with the reason.
      if (!parsed.ok) return { ok: false, problem: `pid-${parsed.problem}` satisfies TestIdProblem };
      // AUTHN-05: test mode accepts only synthetic numbers.
      if (!isAcceptedForMode(parsed.kind, mode)) return { ok: false, problem: 'pid-not-synthetic' satisfies TestIdProblem };
      const acr = form.acr;
      // AUTHN-01, SSO-06: only a level this authenticator offers and the client accepts.
      if (!isAcrLevel(acr) || !offeredLevels(self, requirement).includes(acr)) return { ok: false, problem: 'acr' satisfies TestIdProblem };
      // AUTHN-02, AUTHN-03: TestID gives amr ["TestID"] at the level the tester chose.
      return { ok: true, result: { pid, acr, amr: ['TestID'] } };
    },
  };
  return self;
}
