// The administration API as use cases (ADMIN-01…08; RFC 7591 §3, RFC 7592 §2; docs/interface.md
// "Administration API"): create, list, read, replace and delete clients, rotate a secret, read and
// replace the key set. The caller is a client of ours with a Bearer access token carrying the
// idporten:dcr.* scopes; its organisation is the token's consumer. Records are validated by the
// same code as OP_CLIENTS_FILE (registry/client-registry.ts), stored atomically in the live
// registry (store/client-records.ts) and seen by every instance within a second
// (client-registry-sync.ts).
import { OAuthError } from '../errors.js';
import { liveAccessToken } from './live-access-token.js';
import { challenge, extractBearerToken, invalidToken } from '../protocol/bearer-token.js';
import { newClientId, newClientSecret } from '../protocol/identifiers.js';
import { clientSecretHash, validateClientRecord, type RecordProblem, type RegisteredClient, type StoredClientRecord } from '../registry/client-registry.js';
import { defaultAuthMethod, usesSecret } from '../registry/client-schema.js';
import type { ClientRecordWrite } from '../store/store.js';
import { recordChange, type FlowContext, type Services } from './services.js';

export const adminScopes = {
  read: 'idporten:dcr.read',
  write: 'idporten:dcr.write',
  modify: 'idporten:dcr.modify',
  supplier: 'idporten:dcr.supplier',
  /** ADMIN-02: edits a client's onbehalfof list and nothing else of the record. */
  onBehalfOfWrite: 'idporten:dcr/onbehalfof:write',
} as const;

/** The calling client, its organisation (the token's consumer) and the scopes of its token. */
export interface AdminCaller {
  readonly clientId: string;
  readonly orgno: string;
  readonly scopes: ReadonlySet<string>;
}

/** A client record as the API shows it: never a secret or its hash; the clear secret only when just made. */
export type ClientView = Record<string, unknown>;

/** ADMIN-01: a stored API record is at most this large (the request body limit is 64 KiB too). */
const maxRecordBytes = 64 * 1024;

/** Fields the provider keeps itself: a body may carry them (a PUT of what GET returned), they are ignored. */
const managedFields = ['created', 'last_updated', 'client_secret_expires_at'] as const;

/**
 * Stands in for a kept secret while a replaced record is validated: the rules only ask whether a
 * secret-based client has a secret (CLIENT-06); the stored hash is what is kept.
 */
const keptSecretPlaceholder = 'kept-secret-placeholder-0123456789-0123456789';

const badMetadata = (field: string, message: string, status = 400) => new OAuthError('invalid_client_metadata', `${field}: ${message}`, { status });

/**
 * ADMIN-04 RFC 7591 §3.2.2: invalid_redirect_uri when a redirection URI is what is wrong, else
 * invalid_client_metadata; the description names every broken field with its rule.
 */
function metadataError(problems: readonly RecordProblem[]): OAuthError {
  const redirect = problems.some((p) => /^(redirect_uris|post_logout_redirect_uris)\b/.test(p.field));
  return new OAuthError(redirect ? 'invalid_redirect_uri' : 'invalid_client_metadata', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
}

// ---------------------------------------------------------------------------------------------
// The caller

/**
 * ADMIN-02 RFC 6750: a Bearer access token of ours (JWT or opaque), unexpired, unrevoked, of a
 * client that is still active (CLIENT-17), in the Authorization header.
 */
export async function authenticateAdminCaller(services: Services, flow: FlowContext, authorization: string | undefined): Promise<AdminCaller> {
  const { config } = services;
  const realm = config.issuer;
  const { token } = extractBearerToken(authorization, {}, undefined, realm);
  if (token === undefined) {
    throw new OAuthError('invalid_token', 'A Bearer access token is required (ADMIN-02)', { wwwAuthenticate: challenge(realm) });
  }
  // AT-01, AT-08, CLIENT-17: a live access token of ours (flows/live-access-token.ts).
  const { own } = await liveAccessToken(services, token);
  const claims = own.claims;
  // ADMIN-02, AT-03: the caller's organisation is the token's consumer (ISO 6523 0192:<orgno>).
  const consumer = (own.payload.consumer as { ID?: unknown } | undefined)?.ID;
  const orgno = typeof consumer === 'string' ? /^0192:(\d{9})$/.exec(consumer)?.[1] : undefined;
  if (orgno === undefined) throw invalidToken(realm, 'no consumer organisation');
  flow.noteClient({ client_id: claims.client_id });
  return { clientId: claims.client_id, orgno, scopes: new Set(claims.scope.split(' ')) };
}

/**
 * ADMIN-02 RFC 6750 §3.1: a call that any of `scopes` allows; else 403 insufficient_scope naming
 * them all (the challenge's `scope` names the first, the narrowest).
 */
export function requireAnyScope(services: Services, caller: AdminCaller, scopes: readonly [string, ...string[]]): void {
  if (scopes.some((scope) => caller.scopes.has(scope))) return;
  const description = `The access token lacks the ${scopes.join(' or the ')} scope (ADMIN-02)`;
  throw new OAuthError('insufficient_scope', description, { wwwAuthenticate: challenge(services.config.issuer, { error: 'insufficient_scope', description, scope: scopes[0] }) });
}

/** ADMIN-02: the caller's own clients, and with .supplier those it is the supplier of. */
function visibleTo(caller: AdminCaller, client: { client_orgno: string; supplier_orgno?: string | undefined }): boolean {
  return client.client_orgno === caller.orgno || (caller.scopes.has(adminScopes.supplier) && client.supplier_orgno === caller.orgno);
}

// ---------------------------------------------------------------------------------------------
// Views

function viewOfStored(record: StoredClientRecord, secret?: string): ClientView {
  const { client_secret_hash, ...rest } = record;
  return { ...rest, ...(secret !== undefined ? { client_secret: secret } : {}) };
}

function viewOfFileClient(client: RegisteredClient): ClientView {
  const { isPublic, secret, ...rest } = client;
  return { ...rest, ...(secret?.expiresAt !== undefined ? { client_secret_expires_at: Math.floor(secret.expiresAt / 1000) } : {}) };
}

type Target = { kind: 'api'; record: StoredClientRecord; raw: string } | { kind: 'file'; client: RegisteredClient };

/**
 * ADMIN-02: a client the caller may see; another organisation's client, an unknown one and a
 * deleted one are all 404, so that ids cannot be probed. The registry is brought up to date
 * first, so a change made at another instance a moment ago is seen.
 */
async function findTarget(services: Services, caller: AdminCaller, clientId: string): Promise<Target> {
  await services.registrySync.refresh();
  const api = services.registry.apiClient(clientId);
  if (api && visibleTo(caller, api.record)) return { kind: 'api', record: api.record, raw: api.raw };
  const file = services.registry.isFileClient(clientId) ? services.registry.all().find((client) => client.client_id === clientId) : undefined;
  if (file && visibleTo(caller, file)) return { kind: 'file', client: file };
  throw new OAuthError('not_found', 'There is no such client');
}

/** Docs/interface.md: clients from OP_CLIENTS_FILE are read-only to the API (403). */
function writableRecord(target: Target): StoredClientRecord {
  if (target.kind === 'file') throw new OAuthError('access_denied', 'This client comes from the provider\'s clients file and is read-only to the API', { status: 403 });
  return target.record;
}

// ---------------------------------------------------------------------------------------------
// Writing

interface Secret {
  clear?: string | undefined;
  hash: string;
  expiresAt: number;
}

/** The secret a stored record keeps (its hash and expiry), when it has one. */
const keptSecret = (record: StoredClientRecord): Secret | undefined =>
  record.client_secret_hash && record.client_secret_expires_at !== undefined ? { hash: record.client_secret_hash, expiresAt: record.client_secret_expires_at } : undefined;

/** CLIENT-06: a new secret (256 bits), kept only as its hash, expiring after the configured maximum. */
function generateSecret(services: Services): Secret {
  const clear = newClientSecret();
  const lifetimeSeconds = services.config.clientSecretMaxLifetimeDays * 86_400;
  return { clear, hash: clientSecretHash(clear), expiresAt: Math.floor(services.clock() / 1000) + lifetimeSeconds };
}

/** The body as an object, with the fields the caller may not set refused. */
function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_client_metadata', 'The body must be a JSON object: a client record (CLIENT-01)');
  const record = { ...(body as Record<string, unknown>) };
  // ADMIN-03, CLIENT-06: the secret is generated by us, never chosen by the caller.
  if ('client_secret' in record) throw badMetadata('client_secret', 'is generated by the provider and cannot be set (CLIENT-06)');
  // ADMIN-08: deactivation is DELETE; a record the API keeps is active.
  if ('active' in record && record.active !== true) throw badMetadata('active', 'cannot be set to false here; DELETE the client to deactivate it (ADMIN-08)');
  delete record.active;
  for (const field of managedFields) delete record[field];
  return record;
}

/**
 * CLIENT-07: each key expires one year after upload, so the API stamps `created` on every key it
 * receives; a key the client already had (same kid and modulus) keeps its upload time.
 */
function stampKeys(jwks: unknown, previous: StoredClientRecord | undefined, nowIso: string): unknown {
  if (!jwks || typeof jwks !== 'object' || !Array.isArray((jwks as { keys?: unknown }).keys)) return jwks;
  const before = previous?.jwks?.keys ?? [];
  return {
    ...(jwks as object),
    keys: (jwks as { keys: unknown[] }).keys.map((key) => {
      if (!key || typeof key !== 'object') return key;
      const { kid, n } = key as { kid?: unknown; n?: unknown };
      const same = before.find((old) => old.kid === kid && old.n === n);
      return { ...(key as object), created: same?.created ?? nowIso };
    }),
  };
}

/** A record to store, with what the store writes for it: its JSON text and its kids (CLIENT-07). */
interface RecordWrite {
  stored: StoredClientRecord;
  record: string;
  kids: string[];
}

const writeOf = (stored: StoredClientRecord): RecordWrite => ({ stored, record: JSON.stringify(stored), kids: stored.jwks?.keys.map((key) => key.kid) ?? [] });

/**
 * Validate `candidate` as a client record (the same rules as the clients file: ADMIN-04) and
 * make the stored record with `secret` (or none), serialised once for its size check and the write.
 */
function storedRecord(services: Services, candidate: Record<string, unknown>, secret: Secret | undefined, created: string, nowIso: string): RecordWrite {
  const outcome = validateClientRecord(
    { ...candidate, ...(secret ? { client_secret: secret.clear ?? keptSecretPlaceholder } : {}) },
    services.config.mode,
    services.scopes,
  );
  if (!outcome.ok) throw metadataError(outcome.problems);
  const { client_secret, ...record } = outcome.record;
  const stored: StoredClientRecord = {
    ...record,
    ...(secret ? { client_secret_hash: secret.hash, client_secret_expires_at: secret.expiresAt } : { client_secret_expires_at: undefined }),
    created,
    last_updated: nowIso,
  };
  // CLIENT-07: a kid is unique across all clients; the file's clients are checked here, the
  // API's atomically in the store.
  stored.jwks?.keys.forEach((key, i) => {
    const owner = services.registry.fileKidOwner(key.kid);
    if (owner !== undefined && owner !== stored.client_id) throw badMetadata(`jwks.keys[${i}].kid`, `${JSON.stringify(key.kid)} is already used by another client (CLIENT-07)`);
  });
  const write = writeOf(stored);
  if (Buffer.byteLength(write.record) > maxRecordBytes) throw badMetadata('(record)', `must be at most ${maxRecordBytes} bytes as stored`);
  return write;
}

/** The store's verdict on a change, as the API tells it. */
function checkWrite(write: ClientRecordWrite, stored: StoredClientRecord | undefined): void {
  switch (write.state) {
    case 'written':
      return;
    case 'kid_taken': {
      // CLIENT-07: the store refused the whole change; name the field, not the other client.
      const index = stored?.jwks?.keys.findIndex((key) => key.kid === write.kid) ?? -1;
      throw badMetadata(`jwks.keys[${index}].kid`, `${JSON.stringify(write.kid)} is already used by another client (CLIENT-07)`);
    }
    case 'full':
      throw new OAuthError('access_denied', `The registry holds the most clients it accepts (OP_MAX_API_CLIENTS); delete one first`, { status: 403 });
    case 'exists':
      throw new OAuthError('server_error', 'The generated client_id exists; try again', { mayRedirect: false });
    case 'missing':
      throw new OAuthError('not_found', 'There is no such client');
    case 'conflict':
      throw new OAuthError('temporarily_unavailable', 'The client was changed by another request at the same moment; try again', { status: 503, retryAfter: 1, mayRedirect: false });
  }
}

export const nowIsoOf = (services: Services): string => new Date(services.clock()).toISOString();

// ---------------------------------------------------------------------------------------------
// The use cases

/** ADMIN-01, ADMIN-03: POST /api/v1/clients. */
export async function createClient(services: Services, flow: FlowContext, caller: AdminCaller, body: unknown): Promise<ClientView> {
  requireAnyScope(services, caller, [adminScopes.write]);
  const input = bodyObject(body);
  // ADMIN-03: we assign the client_id.
  if ('client_id' in input) throw badMetadata('client_id', 'is assigned by the provider (ADMIN-03)');
  // ADMIN-02: a client belongs to the caller's organisation; naming another is 403.
  if (input.client_orgno !== undefined && input.client_orgno !== caller.orgno) throw badMetadata('client_orgno', 'must be the organisation of the caller (ADMIN-02)', 403);
  const nowIso = nowIsoOf(services);
  const method = input.token_endpoint_auth_method ?? defaultAuthMethod(input.integration_type);
  // ADMIN-03, CLIENT-06: a secret-based client gets a generated secret, shown in this answer only.
  const secret = typeof method === 'string' && usesSecret(method) ? generateSecret(services) : undefined;
  const candidate = { ...input, client_id: newClientId(), client_orgno: caller.orgno, jwks: stampKeys(input.jwks, undefined, nowIso) };
  if (candidate.jwks === undefined) delete candidate.jwks;
  const { stored, ...write } = storedRecord(services, candidate, secret, nowIso, nowIso);
  checkWrite(await services.clientRecords.change({ op: 'create', clientId: stored.client_id, ...write, maxRecords: services.config.maxApiClients }), stored);
  await services.registrySync.refresh();
  recordChange(services, flow, { event: 'client_created', client_id: stored.client_id, caller_client_id: caller.clientId, caller_orgno: caller.orgno });
  return viewOfStored(stored, secret?.clear);
}

/** ADMIN-01, ADMIN-02: GET /api/v1/clients: the caller's clients (the file's included, read-only). */
export async function listClients(services: Services, caller: AdminCaller): Promise<ClientView[]> {
  requireAnyScope(services, caller, [adminScopes.read]);
  await services.registrySync.refresh();
  const { registry } = services;
  const file = registry
    .all()
    .filter((client) => registry.isFileClient(client.client_id) && client.active && visibleTo(caller, client))
    .map(viewOfFileClient);
  const api = registry
    .apiClients()
    .filter((entry) => visibleTo(caller, entry.record))
    .map((entry) => viewOfStored(entry.record));
  return [...file, ...api];
}

/** ADMIN-01: GET /api/v1/clients/{client_id}. */
export async function readClient(services: Services, caller: AdminCaller, clientId: string): Promise<ClientView> {
  requireAnyScope(services, caller, [adminScopes.read]);
  const target = await findTarget(services, caller, clientId);
  return target.kind === 'api' ? viewOfStored(target.record) : viewOfFileClient(target.client);
}

/**
 * ADMIN-05 RFC 7592 §2.2: PUT replaces the record. integration_type cannot change (CLIENT-02);
 * the secret survives unless the method changes away from the secret methods, which deletes it
 * (CLIENT-06); a change to a secret method generates one (returned in this answer only). A body
 * without jwks keeps the registered keys (they have their own resource, ADMIN-07).
 */
export async function replaceClient(services: Services, flow: FlowContext, caller: AdminCaller, clientId: string, body: unknown): Promise<ClientView> {
  requireAnyScope(services, caller, [adminScopes.modify]);
  const input = bodyObject(body);
  const previous = writableRecord(await findTarget(services, caller, clientId));
  if (input.client_id !== undefined && input.client_id !== clientId) throw badMetadata('client_id', 'must be the client_id of the URL (RFC 7592 §2.2)');
  // CLIENT-02 ADMIN-05: integration_type is set at creation and never changes.
  if (input.integration_type !== undefined && input.integration_type !== previous.integration_type) {
    throw badMetadata('integration_type', `cannot change after creation; it is ${previous.integration_type} (CLIENT-02, ADMIN-05)`);
  }
  if (input.client_orgno !== undefined && input.client_orgno !== previous.client_orgno) throw badMetadata('client_orgno', 'cannot move a client to another organisation (ADMIN-02)', 403);
  const nowIso = nowIsoOf(services);
  const method = input.token_endpoint_auth_method ?? defaultAuthMethod(previous.integration_type);
  // CLIENT-06: kept while the method uses a secret, deleted when it changes away, made when it changes to one.
  const secretMethod = typeof method === 'string' && usesSecret(method);
  const kept = keptSecret(previous);
  const secret: Secret | undefined = secretMethod ? (kept ?? generateSecret(services)) : undefined;
  const jwks = 'jwks' in input ? stampKeys(input.jwks, previous, nowIso) : method === 'private_key_jwt' ? previous.jwks : undefined;
  const candidate: Record<string, unknown> = { ...input, client_id: clientId, client_orgno: previous.client_orgno, integration_type: previous.integration_type, jwks };
  if (candidate.jwks === undefined) delete candidate.jwks;
  const { stored, ...write } = storedRecord(services, candidate, secret, previous.created ?? nowIso, nowIso);
  checkWrite(await services.clientRecords.change({ op: 'update', clientId, ...write }), stored);
  await services.registrySync.refresh();
  recordChange(services, flow, { event: 'client_updated', client_id: clientId, caller_client_id: caller.clientId, caller_orgno: caller.orgno });
  return viewOfStored(stored, secret?.clear);
}

/**
 * ADMIN-08 RFC 7592 §2.3, CLIENT-17: DELETE deactivates the client: its record leaves the live
 * registry, so every instance treats it as unknown within a second; its grants are revoked with
 * it, because every use of a code, refresh token or access token looks the client up (client ids
 * are UUIDs and never come back).
 */
export async function deleteClient(services: Services, flow: FlowContext, caller: AdminCaller, clientId: string): Promise<void> {
  requireAnyScope(services, caller, [adminScopes.modify]);
  writableRecord(await findTarget(services, caller, clientId));
  checkWrite(await services.clientRecords.change({ op: 'delete', clientId }), undefined);
  await services.registrySync.refresh();
  recordChange(services, flow, { event: 'client_deleted', client_id: clientId, caller_client_id: caller.clientId, caller_orgno: caller.orgno });
}

/** ADMIN-06 CLIENT-06: a new secret, returned once; the old one stops working at once (choice: immediately). */
export async function rotateSecret(services: Services, flow: FlowContext, caller: AdminCaller, clientId: string): Promise<ClientView> {
  requireAnyScope(services, caller, [adminScopes.modify]);
  const previous = writableRecord(await findTarget(services, caller, clientId));
  if (!usesSecret(previous.token_endpoint_auth_method)) {
    throw badMetadata('token_endpoint_auth_method', `is ${previous.token_endpoint_auth_method}; only client_secret_basic and client_secret_post clients have a secret (CLIENT-06)`);
  }
  const secret = generateSecret(services);
  const { stored, ...write } = writeOf({ ...previous, client_secret_hash: secret.hash, client_secret_expires_at: secret.expiresAt, last_updated: nowIsoOf(services) });
  checkWrite(await services.clientRecords.change({ op: 'update', clientId, ...write }), stored);
  await services.registrySync.refresh();
  recordChange(services, flow, { event: 'client_secret_rotated', client_id: clientId, caller_client_id: caller.clientId, caller_orgno: caller.orgno });
  return viewOfStored(stored, secret.clear);
}

/** ADMIN-07: GET /api/v1/clients/{client_id}/jwks. */
export async function readKeys(services: Services, caller: AdminCaller, clientId: string): Promise<{ keys: unknown[] }> {
  requireAnyScope(services, caller, [adminScopes.read]);
  const target = await findTarget(services, caller, clientId);
  const jwks = target.kind === 'api' ? target.record.jwks : target.client.jwks;
  return { keys: [...(jwks?.keys ?? [])] };
}

/** ADMIN-07 CLIENT-07: POST/PUT /api/v1/clients/{client_id}/jwks replace the whole set (1–5 keys). */
export async function replaceKeys(services: Services, flow: FlowContext, caller: AdminCaller, clientId: string, body: unknown): Promise<{ keys: unknown[] }> {
  requireAnyScope(services, caller, [adminScopes.modify]);
  const previous = writableRecord(await findTarget(services, caller, clientId));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badMetadata('jwks', 'the body must be a JSON Web Key Set {"keys":[...]} (ADMIN-07)');
  const nowIso = nowIsoOf(services);
  const { client_secret_hash, client_secret_expires_at, created, last_updated, ...rest } = previous;
  const secret = keptSecret(previous);
  const { stored, ...write } = storedRecord(services, { ...rest, jwks: stampKeys(body, previous, nowIso) }, secret, created ?? nowIso, nowIso);
  checkWrite(await services.clientRecords.change({ op: 'update', clientId, ...write }), stored);
  await services.registrySync.refresh();
  recordChange(services, flow, { event: 'client_updated', client_id: clientId, caller_client_id: caller.clientId, caller_orgno: caller.orgno, reason: 'jwks replaced' });
  return { keys: [...(stored.jwks?.keys ?? [])] };
}

// ---------------------------------------------------------------------------------------------
// The onbehalfof list (AUTHZ-24 sub-identities of a client)

/** One onbehalfof entry of a client record: `{onbehalfof, name, orgno, description?}`. */
export type OnBehalfOfEntry = NonNullable<StoredClientRecord['onbehalfof']>[number];

/** ADMIN-02: reading the list takes idporten:dcr.read or idporten:dcr/onbehalfof:write. */
const onBehalfOfReaders = [adminScopes.read, adminScopes.onBehalfOfWrite] as const;
/** ADMIN-02: editing it takes idporten:dcr/onbehalfof:write (that list only) or idporten:dcr.modify. */
const onBehalfOfWriters = [adminScopes.onBehalfOfWrite, adminScopes.modify] as const;

/** A change of the list a concurrent writer overtook is tried again on the newer record this often. */
const onBehalfOfAttempts = 10;

const listOf = (target: Target): OnBehalfOfEntry[] => [...((target.kind === 'api' ? target.record.onbehalfof : target.client.onbehalfof) ?? [])];

const noSuchEntry = () => new OAuthError('not_found', 'The client has no such onbehalfof entry');

/** The body of an entry call: a JSON object; the id is the URL's when the body leaves it out. */
function entryBody(body: unknown, id?: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badMetadata('onbehalfof', 'the body must be a JSON object {"onbehalfof","name","orgno","description"?} (AUTHZ-24)');
  }
  const entry = { ...(body as Record<string, unknown>) };
  if (id !== undefined) {
    if (entry.onbehalfof !== undefined && entry.onbehalfof !== id) throw badMetadata('onbehalfof', 'must be the onbehalfof of the URL; delete the entry and add one to change its id');
    entry.onbehalfof = id;
  }
  return entry;
}

/** ADMIN-02: GET /api/v1/clients/{client_id}/onbehalfof (a file client's list too). */
export async function listOnBehalfOf(services: Services, caller: AdminCaller, clientId: string): Promise<OnBehalfOfEntry[]> {
  requireAnyScope(services, caller, onBehalfOfReaders);
  return listOf(await findTarget(services, caller, clientId));
}

/** ADMIN-02: GET /api/v1/clients/{client_id}/onbehalfof/{onbehalfof}. */
export async function readOnBehalfOf(services: Services, caller: AdminCaller, clientId: string, id: string): Promise<OnBehalfOfEntry> {
  requireAnyScope(services, caller, onBehalfOfReaders);
  const entry = listOf(await findTarget(services, caller, clientId)).find((candidate) => candidate.onbehalfof === id);
  if (!entry) throw noSuchEntry();
  return entry;
}

/**
 * ADMIN-02: one change of a client's onbehalfof list, and of nothing else of the record: the rest
 * of the stored record (secret hash, keys, times) is carried over as it is; the whole record is
 * then checked by the same rules as a PUT (CLIENT-01: at most 100 entries, unique ids, the entry's
 * shape) and written atomically, only over the record it was made from (else made again from the
 * newer one), with the version bump every instance follows within a second (CLIENT-17).
 */
async function changeOnBehalfOf(
  services: Services,
  flow: FlowContext,
  caller: AdminCaller,
  clientId: string,
  edit: (list: OnBehalfOfEntry[]) => unknown[],
  reason: string,
): Promise<StoredClientRecord> {
  // ADMIN-02: idporten:dcr/onbehalfof:write edits this list only; idporten:dcr.modify anything.
  // Each caller has required onBehalfOfWriters before reading its body (403 before 400).
  for (let attempt = 1; ; attempt++) {
    const target = await findTarget(services, caller, clientId);
    const previous = writableRecord(target);
    const list = edit(listOf(target));
    const nowIso = nowIsoOf(services);
    const { client_secret_hash, client_secret_expires_at, created, last_updated, onbehalfof, ...rest } = previous;
    const secret = keptSecret(previous);
    const { stored, ...write } = storedRecord(services, list.length > 0 ? { ...rest, onbehalfof: list } : rest, secret, created ?? nowIso, nowIso);
    const expected = target.kind === 'api' ? target.raw : undefined;
    const written = await services.clientRecords.change({ op: 'update', clientId, ...write, expected });
    if (written.state === 'conflict' && attempt < onBehalfOfAttempts) continue;
    checkWrite(written, stored);
    await services.registrySync.refresh();
    recordChange(services, flow, { event: 'client_updated', client_id: clientId, caller_client_id: caller.clientId, caller_orgno: caller.orgno, reason });
    return stored;
  }
}

/** ADMIN-02: POST /api/v1/clients/{client_id}/onbehalfof adds one entry; an id the client has is 400. */
export async function addOnBehalfOf(services: Services, flow: FlowContext, caller: AdminCaller, clientId: string, body: unknown): Promise<OnBehalfOfEntry> {
  requireAnyScope(services, caller, onBehalfOfWriters);
  const entry = entryBody(body);
  const stored = await changeOnBehalfOf(
    services,
    flow,
    caller,
    clientId,
    (list) => {
      if (list.some((other) => other.onbehalfof === entry.onbehalfof)) {
        throw badMetadata('onbehalfof', `${JSON.stringify(entry.onbehalfof)} is already registered for this client: must be unique within the client (AUTHZ-24); PUT …/onbehalfof/{onbehalfof} changes it`);
      }
      return [...list, entry];
    },
    'onbehalfof entry added',
  );
  return stored.onbehalfof!.find((candidate) => candidate.onbehalfof === entry.onbehalfof)!;
}

/** ADMIN-02: PUT /api/v1/clients/{client_id}/onbehalfof/{onbehalfof} replaces one entry (its id stays). */
export async function replaceOnBehalfOf(services: Services, flow: FlowContext, caller: AdminCaller, clientId: string, id: string, body: unknown): Promise<OnBehalfOfEntry> {
  requireAnyScope(services, caller, onBehalfOfWriters);
  const entry = entryBody(body, id);
  const stored = await changeOnBehalfOf(
    services,
    flow,
    caller,
    clientId,
    (list) => {
      const index = list.findIndex((candidate) => candidate.onbehalfof === id);
      if (index === -1) throw noSuchEntry();
      return list.map((candidate, i) => (i === index ? entry : candidate));
    },
    'onbehalfof entry replaced',
  );
  return stored.onbehalfof!.find((candidate) => candidate.onbehalfof === id)!;
}

/** ADMIN-02: DELETE /api/v1/clients/{client_id}/onbehalfof/{onbehalfof}; requests naming it are refused at once. */
export async function deleteOnBehalfOf(services: Services, flow: FlowContext, caller: AdminCaller, clientId: string, id: string): Promise<void> {
  requireAnyScope(services, caller, onBehalfOfWriters);
  await changeOnBehalfOf(
    services,
    flow,
    caller,
    clientId,
    (list) => {
      if (!list.some((candidate) => candidate.onbehalfof === id)) throw noSuchEntry();
      return list.filter((candidate) => candidate.onbehalfof !== id);
    },
    'onbehalfof entry removed',
  );
}
