// AUTHN-01: the authenticators of this deployment, built once at start-up (server.ts): TestID and
// the eIDAS test login in test mode only (AUTHN-03, ENV-03, IDT-11). Reads OP_EIDAS_MATCH_FILE;
// a bad file stops start-up with the variable and the rule.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Authenticator } from './authenticator.js';
import { eidasTestAuthenticator, parseEidasMatchTable } from './eidas-test.js';
import { testIdAuthenticator } from './testid.js';

export class AuthenticatorConfigError extends Error {}

function readJson(path: string, variable: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AuthenticatorConfigError(`${variable} cannot be read as JSON: ${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'}`);
  }
}

export function loadAuthenticators(config: Config, clock: () => number = Date.now): Authenticator[] {
  const authenticators: Authenticator[] = [];
  if (config.mode === 'test') {
    let matches: ReadonlyMap<string, string> = new Map();
    if (config.eidasMatchFile) {
      try {
        matches = parseEidasMatchTable(readJson(config.eidasMatchFile, 'OP_EIDAS_MATCH_FILE'), config.mode);
      } catch (error) {
        throw new AuthenticatorConfigError((error as Error).message);
      }
    }
    authenticators.push(testIdAuthenticator(config.mode), eidasTestAuthenticator(matches, clock));
  }
  return authenticators;
}
