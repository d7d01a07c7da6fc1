// AUTHN-01: the authenticators of this deployment, built once at start-up (server.ts): TestID and
// the eIDAS test login in test mode only (AUTHN-03, ENV-03, IDT-11), then the upstream eID when
// OP_UPSTREAM_ISSUER is configured. Reads OP_EIDAS_MATCH_FILE and OP_UPSTREAM_PRIVATE_KEY_FILE;
// a bad file stops start-up with the variable and the rule (never a secret).
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Authenticator } from './authenticator.js';
import { eidasTestAuthenticator, parseEidasMatchTable } from './eidas-test.js';
import { testIdAuthenticator } from './testid.js';
import { upstreamAuthenticator } from './upstream.js';

export class AuthenticatorConfigError extends Error {}

function readJson(path: string, variable: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AuthenticatorConfigError(`${variable} cannot be read as JSON: ${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'}`);
  }
}

/** The private JWK of OP_UPSTREAM_PRIVATE_KEY_FILE: an RSA key with d and kid (a JWK, or a JWKS whose first key it is). */
function upstreamPrivateKey(path: string): Record<string, unknown> {
  const raw = readJson(path, 'OP_UPSTREAM_PRIVATE_KEY_FILE') as { keys?: unknown[] } & Record<string, unknown>;
  const key = (Array.isArray(raw?.keys) ? raw.keys[0] : raw) as Record<string, unknown> | undefined;
  if (!key || key.kty !== 'RSA' || typeof key.d !== 'string' || typeof key.kid !== 'string') {
    throw new AuthenticatorConfigError('OP_UPSTREAM_PRIVATE_KEY_FILE must hold a private RSA JWK with kid (private_key_jwt, RS256)');
  }
  return key;
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
  const upstream = config.upstream;
  if (upstream) {
    authenticators.push(
      upstreamAuthenticator(
        {
          issuer: upstream.issuer,
          clientId: upstream.clientId,
          clientAuth: upstream.clientAuth,
          clientSecret: upstream.clientSecret,
          privateKey: upstream.privateKeyFile ? upstreamPrivateKey(upstream.privateKeyFile) : undefined,
          scope: upstream.scope,
          name: upstream.name,
          pidClaim: upstream.pidClaim,
          acrMap: new Map(upstream.acrMap),
          amr: upstream.amr,
        },
        config.mode,
      ),
    );
  }
  return authenticators;
}
