// The client registry: records validated all at once (every broken record is reported, each with
// client_id, field and rule), secrets kept only as hashes. Pure; clients-file.ts reads the file.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { Mode } from '../config.js';
import { checkClientRules, clientRecordSchema, lifetimeWarnings, type ClientRecord } from './client-schema.js';
import { builtInScopeRegistry, type ScopeRegistry } from './scope-registry.js';

/** A validated client. `client_secret` is gone; only its hash stays, and only in memory. */
export type RegisteredClient = Readonly<Omit<ClientRecord, 'client_secret' | 'client_secret_expires_at' | 'jwks'>> & {
  /** CLIENT-04: browser and native clients, and anyone authenticating with `none`. */
  readonly isPublic: boolean;
  readonly jwks: JSONWebKeySet | undefined;
  readonly secret: { readonly hash: Buffer; readonly expiresAt: number | undefined } | undefined;
};

export class ClientRegistryError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: string[]) {
    super(`Invalid client registry ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ClientRegistryError';
    this.problems = problems;
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/** A registered client from a record's fields and the hash of its secret (a file's record or the API's stored one). */
function registered(
  fields: Omit<ClientRecord, 'client_secret' | 'client_secret_expires_at' | 'jwks'>,
  jwks: ClientRecord['jwks'],
  secretHash: Buffer | undefined,
  expiresAtSeconds: number | undefined,
): RegisteredClient {
  return Object.freeze({
    ...fields,
    isPublic: fields.token_endpoint_auth_method === 'none',
    jwks: jwks ? (structuredClone(jwks) as JSONWebKeySet) : undefined,
    secret: secretHash ? { hash: secretHash, expiresAt: expiresAtSeconds ? expiresAtSeconds * 1000 : undefined } : undefined,
  });
}

function toRegisteredClient(record: ClientRecord): RegisteredClient {
  const { client_secret, client_secret_expires_at, jwks, ...rest } = record;
  // CLIENT-06, TOKEN-05: the clear-text secret is not kept. Secrets are high-entropy, so a plain
  // SHA-256 is the right hash: a slow KDF would only slow every token request.
  return registered(rest, jwks, client_secret ? sha256(client_secret) : undefined, client_secret_expires_at);
}

/** A broken rule of one record: the field (a path like `redirect_uris[0]`) and the rule. */
export interface RecordProblem {
  field: string;
  message: string;
}

export type RecordValidation = { ok: true; record: ClientRecord } | { ok: false; problems: RecordProblem[] };

/**
 * One client record against the zod schema, then (when it has the right shape) the cross-field
 * rules of profile §12. The clients file and the administration API both validate here, so they
 * can never disagree (ADMIN-04).
 */
export function validateClientRecord(raw: unknown, mode: Mode, scopes: ScopeRegistry): RecordValidation {
  const parsed = clientRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: RecordProblem[] = [];
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push({ field: formatPath([...issue.path, key]), message: 'is not a client record field (CLIENT-01)' });
      } else {
        problems.push({ field: formatPath(issue.path) || '(record)', message: issue.message });
      }
    }
    return { ok: false, problems };
  }
  const problems = checkClientRules(parsed.data, mode, scopes).map((issue) => ({ field: formatPath(issue.path), message: issue.message }));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, record: parsed.data };
}

/**
 * A client of the administration API as the store keeps it (ADMIN-03, CLIENT-06): the validated
 * record without its secret; only the secret's SHA-256 (base64url) and its expiry are kept.
 */
export type StoredClientRecord = Omit<ClientRecord, 'client_secret'> & { client_secret_hash?: string | undefined };

/** CLIENT-06: what is kept of a generated secret. */
export const clientSecretHash = (secret: string): string => sha256(secret).toString('base64url');

export function registeredFromStored(stored: StoredClientRecord): RegisteredClient {
  const { client_secret_hash, client_secret_expires_at, jwks, ...rest } = stored;
  // CLIENT-06: an API client's secret was only ever kept as its hash.
  return registered(rest, jwks, client_secret_hash ? Buffer.from(client_secret_hash, 'base64url') : undefined, client_secret_expires_at);
}

export interface ParsedRegistry {
  clients: RegisteredClient[];
  warnings: string[];
}

/**
 * Validate a parsed clients file against the scope registry (CLIENT-16). Pure: throws
 * ClientRegistryError listing every problem.
 */
export function parseClientRecords(input: unknown, mode: Mode, source = 'clients file', scopes: ScopeRegistry = builtInScopeRegistry): ParsedRegistry {
  if (!Array.isArray(input)) throw new ClientRegistryError(source, ['the file must hold a JSON array of client records']);
  const problems: string[] = [];
  const warnings: string[] = [];
  const records: ClientRecord[] = [];
  input.forEach((raw: unknown, index) => {
    const id =
      raw && typeof raw === 'object' && typeof (raw as { client_id?: unknown }).client_id === 'string'
        ? JSON.stringify((raw as { client_id: string }).client_id)
        : `#${index + 1} (no valid client_id)`;
    const outcome = validateClientRecord(raw, mode, scopes);
    if (!outcome.ok) {
      for (const problem of outcome.problems) problems.push(`client ${id} field ${problem.field}: ${problem.message}`);
      return;
    }
    warnings.push(...lifetimeWarnings(outcome.record));
    records.push(outcome.record);
  });

  const seenIds = new Set<string>();
  const kidOwner = new Map<string, string>();
  for (const record of records) {
    if (seenIds.has(record.client_id)) problems.push(`client ${JSON.stringify(record.client_id)} field client_id: is registered twice`);
    seenIds.add(record.client_id);
    for (const key of record.jwks?.keys ?? []) {
      const owner = kidOwner.get(key.kid);
      // CLIENT-07 (profile §19 no. 9): a kid is unique across all clients.
      if (owner !== undefined && owner !== record.client_id) {
        problems.push(`client ${JSON.stringify(record.client_id)} field jwks.keys.kid: ${JSON.stringify(key.kid)} is already used by client ${JSON.stringify(owner)} (CLIENT-07)`);
      }
      kidOwner.set(key.kid, record.client_id);
    }
  }
  if (problems.length > 0) throw new ClientRegistryError(source, problems);
  return { clients: records.map(toRegisteredClient), warnings };
}

/**
 * TOKEN-08, CLIENT-07: a client that authenticates with a business certificate (private_key_jwt
 * without registered keys) or is locked to one (a registered key with x5c).
 */
export const usesBusinessCertificates = (client: RegisteredClient): boolean =>
  client.token_endpoint_auth_method === 'private_key_jwt' && (!client.jwks || client.jwks.keys.some((key) => Array.isArray(key.x5c)));

/** Lookup of registered clients. Later sources (the admin API) implement the same interface. */
export interface ClientRegistry {
  /** CLIENT-17: an inactive client is unknown at every endpoint. */
  find(clientId: string): RegisteredClient | undefined;
  all(): readonly RegisteredClient[];
}

export class StaticClientRegistry implements ClientRegistry {
  readonly #byId: ReadonlyMap<string, RegisteredClient>;
  constructor(clients: readonly RegisteredClient[]) {
    this.#byId = new Map(clients.map((client) => [client.client_id, client]));
  }
  find(clientId: string): RegisteredClient | undefined {
    const client = this.#byId.get(clientId);
    return client?.active ? client : undefined;
  }
  all(): readonly RegisteredClient[] {
    return [...this.#byId.values()];
  }
}

/**
 * TOKEN-05 RFC 6749 §2.3.1: compare in constant time (both sides are SHA-256 digests of equal
 * length) and refuse a secret past its expiry.
 */
export function verifyClientSecret(client: RegisteredClient, presented: string, nowMs: number): boolean {
  if (!client.secret) return false;
  const matches = timingSafeEqual(sha256(presented), client.secret.hash);
  return matches && (client.secret.expiresAt === undefined || nowMs < client.secret.expiresAt);
}

/**
 * AUTHZ-24, AUTHZ-28: who the login and consent pages name: the selected sub-identity (its name,
 * and no logo: the client's logo would show the wrong party), else the client with its logo.
 */
export function displayedParty(client: RegisteredClient, onbehalfof: string | undefined): { name: string; logo: string | undefined } {
  const entry = onbehalfof === undefined ? undefined : client.onbehalfof?.find((candidate) => candidate.onbehalfof === onbehalfof);
  return entry ? { name: entry.name, logo: undefined } : { name: client.client_name, logo: client.logo };
}
