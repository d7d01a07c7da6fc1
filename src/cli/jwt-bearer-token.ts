// npm run token:jwt-bearer -- --client <client_id> --scope <scopes> --key <key.pem>
//                             (--chain <chain.pem> | --kid <kid>) [--issuer <url>] [--resource <uri>]
// Asks a provider for a machine token with the JWT-bearer grant (TOKEN-21, RFC 7523 §2.1), as a
// Maskinporten client does: signs a grant assertion (aud = issuer, iss = client_id, scope, iat,
// exp 60 s later, jti) with the private key, naming a registered key (--kid) or carrying a business
// certificate chain (--chain, e.g. what `npm run certs:issue` wrote), and prints the token response.
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { x5cOf } from './business-certificates.js';
import { option } from './keys-file.js';

const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface GrantAssertionOptions {
  issuer: string;
  clientId: string;
  scope: string;
  key: KeyObject;
  /** A registered key's kid, or a business certificate chain (x5c, leaf first). */
  header: { kid: string } | { x5c: string[] };
  resource?: string;
  nowMs?: number;
}

/** A Maskinporten-style JWT grant. */
export function grantAssertion(options: GrantAssertionOptions): Promise<string> {
  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  return new SignJWT({ scope: options.scope, ...(options.resource ? { resource: options.resource } : {}) })
    .setProtectedHeader({ alg: 'RS256', ...options.header })
    .setAudience(options.issuer)
    .setIssuer(options.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(options.key);
}

/** POST the grant to the token endpoint; the JSON answer and its status. */
export async function requestMachineToken(issuer: string, assertion: string, fetchImpl: typeof fetch = fetch): Promise<{ status: number; body: unknown }> {
  const response = await fetchImpl(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: jwtBearerGrantType, assertion }).toString(),
  });
  return { status: response.status, body: await response.json() };
}

export async function main(argv: string[]): Promise<void> {
  const clientId = option(argv, 'client');
  const scope = option(argv, 'scope');
  const keyFile = option(argv, 'key');
  const chainFile = option(argv, 'chain');
  const kid = option(argv, 'kid');
  const issuer = option(argv, 'issuer') ?? 'http://localhost:3000';
  const resource = option(argv, 'resource');
  if (!clientId || !scope || !keyFile || (chainFile === undefined) === (kid === undefined)) {
    process.stderr.write('usage: npm run token:jwt-bearer -- --client <client_id> --scope <scopes> --key <key.pem> (--chain <chain.pem> | --kid <kid>) [--issuer <url>] [--resource <uri>]\n');
    process.exit(2);
  }
  const assertion = await grantAssertion({
    issuer,
    clientId,
    scope,
    key: createPrivateKey(readFileSync(keyFile, 'utf8')),
    header: chainFile !== undefined ? { x5c: x5cOf(readFileSync(chainFile, 'utf8')) } : { kid: kid! },
    ...(resource !== undefined ? { resource } : {}),
  });
  const { status, body } = await requestMachineToken(issuer, assertion);
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  if (status !== 200) process.exit(1);
}

