// The built-in `debugger` client of the test-mode debugger page (docs/interface.md, "Tools for
// relying-party developers"): a confidential web client whose only redirect URI is
// {issuer}/debugger/callback. Its secret is derived from the interaction-cookie secret, so every
// instance sharing that secret (and one Redis) knows it without configuration. Test mode only.
import { hkdfSync } from 'node:crypto';
import type { Mode } from '../config.js';
import { parseClientRecords, type RegisteredClient } from './client-registry.js';
import type { ScopeRegistry } from './scope-registry.js';

export const debuggerClientId = 'debugger';
export const debuggerPath = '/debugger';
export const debuggerCallbackPath = '/debugger/callback';

/** RFC 5869: a value of its own, derived from the shared cookie secret. */
export function debuggerClientSecret(cookieSecret: string): string {
  return Buffer.from(hkdfSync('sha256', cookieSecret, 'idporten-op', 'client-secret:debugger', 32)).toString('base64url');
}

/**
 * The fields of an ordinary ID-porten web client with a secret and refresh tokens, owned by the
 * test organisation: the built-in debugger client's, and the conformance kit's (src/cli).
 */
export const testWebClientFields = {
  client_orgno: '991825827',
  integration_type: 'idporten',
  application_type: 'web',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'profile'],
} as const;

export function debuggerClient(issuer: string, secret: string, mode: Mode, scopes: ScopeRegistry): RegisteredClient {
  const record = {
    client_id: debuggerClientId,
    client_secret: secret,
    client_name: 'OpenID Provider debugger',
    ...testWebClientFields,
    redirect_uris: [`${issuer}${debuggerCallbackPath}`],
    post_logout_redirect_uris: [`${issuer}${debuggerPath}`],
    access_token_lifetime: 120,
    refresh_token_lifetime: 600,
    authorization_lifetime: 7200,
  };
  return parseClientRecords([record], mode, 'built-in debugger client', scopes).clients[0]!;
}
