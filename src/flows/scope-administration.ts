// The scope owners' part of the administration API (docs/interface.md "Administration API";
// CLIENT-16, ADMIN-02): an organisation creates and maintains the scopes of its own prefixes and
// grants other organisations access to them (consumer_orgnos). The caller is authenticated as for
// the clients (client-administration.ts) and needs idporten:scopes.write. Scopes live in the same
// live registry as the API's clients and reach every instance within a second.
import { OAuthError } from '../errors.js';
import { hasValidOrgnoCheckDigit } from '../registry/client-schema.js';
import { validateScopeRecord, type RegisteredScope, type ScopeRecord } from '../registry/scope-registry.js';
import { nowIsoOf, requireAnyScope, type AdminCaller } from './client-administration.js';
import { recordChange, type FlowContext, type Services } from './services.js';

export const scopesWriteScope = 'idporten:scopes.write';

/** The most scopes the API keeps (every instance holds them in memory). */
const maxApiScopes = 1000;

export type ScopeView = Record<string, unknown>;

const badScope = (field: string, message: string, status = 400) => new OAuthError('invalid_scope', `${field}: ${message}`, { status });

function viewOf(scope: RegisteredScope): ScopeView {
  const { builtIn, ...rest } = scope;
  return rest;
}

/** CLIENT-16: a scope the caller owns; anything else (another owner's, unknown) is 404. */
async function ownedScope(services: Services, caller: AdminCaller, name: string): Promise<{ scope: RegisteredScope; fromApi: boolean }> {
  await services.registrySync.refresh();
  const api = services.scopes.apiScope(name);
  if (api && api.owner_orgno === caller.orgno) return { scope: api, fromApi: true };
  const file = services.scopes.isFileScope(name) ? services.scopes.all().find((scope) => scope.name === name) : undefined;
  if (file && !file.builtIn && file.owner_orgno === caller.orgno) return { scope: file, fromApi: false };
  throw new OAuthError('not_found', 'There is no such scope');
}

function writable(found: { fromApi: boolean }): void {
  if (!found.fromApi) throw new OAuthError('access_denied', "This scope comes from the provider's scopes file and is read-only to the API", { status: 403 });
}

/** Validate and store `candidate` (create or replace). */
async function store(services: Services, candidate: Record<string, unknown>, op: 'create' | 'update'): Promise<RegisteredScope> {
  const outcome = validateScopeRecord(candidate);
  if (!outcome.ok) throw new OAuthError('invalid_scope', outcome.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  const record: ScopeRecord = outcome.record;
  const text = JSON.stringify(record);
  const write =
    op === 'create'
      ? await services.clientRecords.change({ collection: 'scopes', op, clientId: record.name, record: text, kids: [], maxRecords: maxApiScopes })
      : await services.clientRecords.change({ collection: 'scopes', op, clientId: record.name, record: text, kids: [] });
  if (write.state === 'exists') throw badScope('name', 'already exists (CLIENT-16)');
  if (write.state === 'full') throw new OAuthError('access_denied', `The registry holds the most scopes it accepts (${maxApiScopes})`, { status: 403 });
  if (write.state === 'missing') throw new OAuthError('not_found', 'There is no such scope');
  await services.registrySync.refresh();
  return Object.freeze({ ...record, builtIn: false });
}

/** GET /api/v1/scopes: the scopes the caller's organisation owns. */
export async function listScopes(services: Services, caller: AdminCaller): Promise<ScopeView[]> {
  requireAnyScope(services, caller, [scopesWriteScope]); // ADMIN-02: every scope call needs idporten:scopes.write
  await services.registrySync.refresh();
  return services.scopes
    .all()
    .filter((scope) => !scope.builtIn && scope.owner_orgno === caller.orgno)
    .map(viewOf);
}

/**
 * POST /api/v1/scopes (CLIENT-16): a new scope owned by the caller. owner_orgno may be left out
 * (the caller's; another is 403); a prefix already used by another organisation's scope is 403,
 * so nobody can add scopes to someone else's API.
 */
export async function createScope(services: Services, flow: FlowContext, caller: AdminCaller, body: unknown): Promise<ScopeView> {
  requireAnyScope(services, caller, [scopesWriteScope]); // ADMIN-02: every scope call needs idporten:scopes.write
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_scope', 'The body must be a JSON object: a scope record (CLIENT-16)');
  const input = { ...(body as Record<string, unknown>) };
  if (input.owner_orgno !== undefined && input.owner_orgno !== caller.orgno) throw badScope('owner_orgno', 'must be the organisation of the caller (ADMIN-02)', 403);
  await services.registrySync.refresh();
  if (typeof input.name === 'string' && services.scopes.all().some((scope) => scope.name === input.name)) throw badScope('name', 'already exists (CLIENT-16)');
  // CLIENT-16: a prefix belongs to the organisation that first used it.
  if (typeof input.prefix === 'string' && services.scopes.all().some((scope) => scope.prefix === input.prefix && (scope.builtIn || scope.owner_orgno !== caller.orgno))) {
    throw badScope('prefix', 'belongs to another organisation (CLIENT-16)', 403);
  }
  const now = nowIsoOf(services);
  const scope = await store(services, { ...input, owner_orgno: caller.orgno, created: now, last_updated: now }, 'create');
  recordChange(services, flow, { event: 'scope_created', scope: scope.name, caller_client_id: caller.clientId, caller_orgno: caller.orgno });
  return viewOf(scope);
}

/** GET /api/v1/scopes/{name}. */
export async function readScope(services: Services, caller: AdminCaller, name: string): Promise<ScopeView> {
  requireAnyScope(services, caller, [scopesWriteScope]); // ADMIN-02: every scope call needs idporten:scopes.write
  return viewOf((await ownedScope(services, caller, name)).scope);
}

/** PUT /api/v1/scopes/{name}: replaces the record; name, prefix, subscope and owner stay. */
export async function replaceScope(services: Services, flow: FlowContext, caller: AdminCaller, name: string, body: unknown): Promise<ScopeView> {
  requireAnyScope(services, caller, [scopesWriteScope]); // ADMIN-02: every scope call needs idporten:scopes.write
  const found = await ownedScope(services, caller, name);
  writable(found);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_scope', 'The body must be a JSON object: a scope record (CLIENT-16)');
  const input = { ...(body as Record<string, unknown>) };
  for (const field of ['name', 'prefix', 'subscope', 'owner_orgno'] as const) {
    if (input[field] !== undefined && input[field] !== found.scope[field]) throw badScope(field, 'cannot change (CLIENT-16)');
  }
  delete input.created;
  delete input.last_updated;
  const { prefix, subscope, owner_orgno, created } = found.scope;
  const scope = await store(services, { ...input, name, prefix, subscope, owner_orgno, created, last_updated: nowIsoOf(services) }, 'update');
  recordChange(services, flow, { event: 'scope_updated', scope: name, caller_client_id: caller.clientId, caller_orgno: caller.orgno });
  return viewOf(scope);
}

/**
 * PUT|DELETE /api/v1/scopes/access/{name}/{consumer_orgno} (CLIENT-16): grant an organisation
 * the scope, or take it back; a client of that organisation loses the scope at its next use.
 */
export async function changeScopeAccess(services: Services, flow: FlowContext, caller: AdminCaller, name: string, consumerOrgno: string, grant: boolean): Promise<ScopeView> {
  requireAnyScope(services, caller, [scopesWriteScope]); // ADMIN-02: every scope call needs idporten:scopes.write
  if (!hasValidOrgnoCheckDigit(consumerOrgno)) throw badScope('consumer_orgno', 'must be a 9-digit organisation number with a valid check digit');
  const found = await ownedScope(services, caller, name);
  writable(found);
  const others = found.scope.consumer_orgnos.filter((orgno) => orgno !== consumerOrgno);
  const { builtIn, ...record } = found.scope;
  const scope = await store(services, { ...record, consumer_orgnos: grant ? [...others, consumerOrgno] : others, last_updated: nowIsoOf(services) }, 'update');
  recordChange(services, flow, { event: 'scope_updated', scope: name, reason: grant ? 'access granted' : 'access revoked', consumer_orgno: consumerOrgno, caller_client_id: caller.clientId, caller_orgno: caller.orgno });
  return viewOf(scope);
}
