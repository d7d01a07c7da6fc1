// npm run clients -- <command> [options]: the administration API (ADMIN-01…08) from a shell or CI.
// It gets its token like any machine client, with the JWT-bearer grant (TOKEN-21): a grant assertion
// signed with the private key of a maskinporten client that holds the idporten:dcr.* scopes.
//
//   npm run clients -- list
//   npm run clients -- get <client_id>
//   npm run clients -- create --file client.json
//   npm run clients -- update <client_id> --file client.json
//   npm run clients -- rotate-secret <client_id>
//   npm run clients -- delete <client_id>
//   npm run clients -- jwks <client_id> [--file jwks.json]
//   npm run clients -- onbehalfof list <client_id>
//   npm run clients -- onbehalfof add <client_id> (--file entry.json | --id <id> --name <name> --orgno <orgno> [--description <text>])
//   npm run clients -- onbehalfof get|delete <client_id> <id>
//   npm run clients -- onbehalfof update <client_id> <id> (--file entry.json | --name <name> --orgno <orgno> [--description <text>])
//
// Who calls: --issuer (or OP_ADMIN_ISSUER, default http://localhost:3000), --client (OP_ADMIN_CLIENT_ID),
// --key (OP_ADMIN_KEY_FILE: a PEM private key, or a private JWK) and --kid (OP_ADMIN_KID: its
// registered kid) or --chain (OP_ADMIN_CHAIN_FILE: a business certificate chain); --scope
// (OP_ADMIN_SCOPE) the scopes to ask for, by default idporten:dcr.read, .write and .modify (a client
// that only edits onbehalfof lists asks for idporten:dcr/onbehalfof:write). The answer is
// printed as JSON; a refusal exits 1 with the API's error.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { x5cOf } from './business-certificates.js';
import { grantAssertion, requestMachineToken } from './jwt-bearer-token.js';

const usage = `usage: npm run clients -- (list | get <id> | create --file <json> | update <id> --file <json> | rotate-secret <id> | delete <id> | jwks <id> [--file <json>]
       | onbehalfof (list <id> | add <id> (--file <json> | --id <obo> --name <name> --orgno <orgno> [--description <text>]) | get <id> <obo>
       | update <id> <obo> (--file <json> | --name <name> --orgno <orgno> [--description <text>]) | delete <id> <obo>))
       [--issuer <url>] [--client <client_id>] [--key <key.pem|key.jwk>] (--kid <kid> | --chain <chain.pem>) [--scope <scopes>]
       (or OP_ADMIN_ISSUER, OP_ADMIN_CLIENT_ID, OP_ADMIN_KEY_FILE, OP_ADMIN_KID, OP_ADMIN_CHAIN_FILE, OP_ADMIN_SCOPE)
`;

const defaultScopes = 'idporten:dcr.read idporten:dcr.write idporten:dcr.modify';

function option(argv: string[], name: string, env?: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? (env !== undefined ? process.env[env] || undefined : undefined) : argv[at + 1];
}

function loadKey(path: string): KeyObject {
  const text = readFileSync(path, 'utf8');
  return text.trimStart().startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as never, format: 'jwk' }) : createPrivateKey(text);
}

/** The request a command makes: method, path under the issuer, and JSON body. */
export function requestFor(command: string, argv: string[]): { method: string; path: string; body?: unknown } {
  const id = argv[1];
  const file = option(argv, 'file');
  const json = () => {
    if (!file) throw new Error(`${command} needs --file <json>`);
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  };
  const one = () => {
    if (!id || id.startsWith('--')) throw new Error(`${command} needs a client_id`);
    return `/api/v1/clients/${encodeURIComponent(id)}`;
  };
  switch (command) {
    case 'list':
      return { method: 'GET', path: '/api/v1/clients' };
    case 'get':
      return { method: 'GET', path: one() };
    case 'create':
      return { method: 'POST', path: '/api/v1/clients', body: json() };
    case 'update':
      return { method: 'PUT', path: one(), body: json() };
    case 'rotate-secret':
      return { method: 'POST', path: `${one()}/secret` };
    case 'delete':
      return { method: 'DELETE', path: one() };
    case 'jwks':
      return file ? { method: 'POST', path: `${one()}/jwks`, body: json() } : { method: 'GET', path: `${one()}/jwks` };
    case 'onbehalfof':
      return onBehalfOfRequest(argv, file ? json : undefined);
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}`);
  }
}

/** ADMIN-02: `onbehalfof <list|add|get|update|delete> <client_id> [<onbehalfof>]`. */
function onBehalfOfRequest(argv: string[], json: (() => unknown) | undefined): { method: string; path: string; body?: unknown } {
  const [, action, clientId, entryId] = argv;
  if (!clientId || clientId.startsWith('--')) throw new Error(`onbehalfof ${action ?? ''} needs a client_id`);
  const list = `/api/v1/clients/${encodeURIComponent(clientId)}/onbehalfof`;
  const one = () => {
    if (!entryId || entryId.startsWith('--')) throw new Error(`onbehalfof ${action} needs the onbehalfof id after the client_id`);
    return `${list}/${encodeURIComponent(entryId)}`;
  };
  // The entry from --file, else from --id, --name, --orgno and --description.
  const entry = (withId: boolean) => {
    if (json) return json();
    const fields = { ...(withId ? { onbehalfof: option(argv, 'id') } : {}), name: option(argv, 'name'), orgno: option(argv, 'orgno'), description: option(argv, 'description') };
    if ((withId && !fields.onbehalfof) || !fields.name || !fields.orgno) throw new Error(`onbehalfof ${action} needs --file <json> or ${withId ? '--id, ' : ''}--name and --orgno`);
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  };
  switch (action) {
    case 'list':
      return { method: 'GET', path: list };
    case 'add':
      return { method: 'POST', path: list, body: entry(true) };
    case 'get':
      return { method: 'GET', path: one() };
    case 'update':
      return { method: 'PUT', path: one(), body: entry(false) };
    case 'delete':
      return { method: 'DELETE', path: one() };
    default:
      throw new Error(`unknown onbehalfof command ${JSON.stringify(action)}: list, add, get, update or delete`);
  }
}

export async function main(argv: string[], fetchImpl: typeof fetch = fetch, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  const command = argv[0];
  const issuer = option(argv, 'issuer', 'OP_ADMIN_ISSUER') ?? 'http://localhost:3000';
  const clientId = option(argv, 'client', 'OP_ADMIN_CLIENT_ID');
  const keyFile = option(argv, 'key', 'OP_ADMIN_KEY_FILE');
  const kid = option(argv, 'kid', 'OP_ADMIN_KID');
  const chainFile = option(argv, 'chain', 'OP_ADMIN_CHAIN_FILE');
  const scopes = option(argv, 'scope', 'OP_ADMIN_SCOPE') ?? defaultScopes;
  let request: ReturnType<typeof requestFor>;
  try {
    if (!command || !clientId || !keyFile || (kid === undefined) === (chainFile === undefined)) throw new Error('missing arguments');
    request = requestFor(command, argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const assertion = await grantAssertion({
    issuer,
    clientId,
    scope: scopes,
    key: loadKey(keyFile),
    header: chainFile !== undefined ? { x5c: x5cOf(readFileSync(chainFile, 'utf8')) } : { kid: kid! },
  });
  const grant = await requestMachineToken(issuer, assertion, fetchImpl);
  if (grant.status !== 200) {
    process.stderr.write(`no access token: ${JSON.stringify(grant.body)}\n`);
    return 1;
  }
  const { access_token } = grant.body as { access_token: string };
  const response = await fetchImpl(`${issuer}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${access_token}`, ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  });
  const text = await response.text();
  if (text) out(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  else out(`${response.status}\n`);
  return response.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(await main(process.argv.slice(2)));
