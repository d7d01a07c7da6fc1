// The scope registry (CLIENT-16): records validated all at once (every broken record is reported,
// each with its name, field and rule), the built-in scopes always present. Lookups are
// synchronous against the registry object, which a later source (the administration API) may
// keep live; nothing else holds on to scope records. Pure; scopes-file.ts reads OP_SCOPES_FILE.
import { builtInScopes, checkScopeRules, scopeRecordSchema, type IntegrationType, type RegisteredScope, type ScopeRecord } from './scope-schema.js';

export type { ScopeRecord };

export type { IntegrationType, RegisteredScope };

export class ScopeRegistryError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: string[]) {
    super(`Invalid scope registry ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScopeRegistryError';
    this.problems = problems;
  }
}

/** Lookup of scopes. Later sources (the admin API) implement the same interface. */
export interface ScopeRegistry {
  /** An active scope by name; an unknown or inactive scope is undefined (CLIENT-16). */
  find(name: string): RegisteredScope | undefined;
  /** Every scope, active or not, the built-in ones first. */
  all(): readonly RegisteredScope[];
}

export class StaticScopeRegistry implements ScopeRegistry {
  readonly #byName: ReadonlyMap<string, RegisteredScope>;
  constructor(scopes: readonly RegisteredScope[]) {
    this.#byName = new Map([...builtInScopes, ...scopes].map((scope) => [scope.name, scope]));
  }
  find(name: string): RegisteredScope | undefined {
    const scope = this.#byName.get(name);
    return scope?.active ? scope : undefined;
  }
  all(): readonly RegisteredScope[] {
    return [...this.#byName.values()];
  }
}

/** The registry with only the built-in scopes (OP_SCOPES_FILE unset). */
export const builtInScopeRegistry: ScopeRegistry = new StaticScopeRegistry([]);

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/** One scope record against the schema and the rules of CLIENT-16 (the API validates here too). */
export function validateScopeRecord(raw: unknown): { ok: true; record: ScopeRecord } | { ok: false; problems: { field: string; message: string }[] } {
  const parsed = scopeRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: { field: string; message: string }[] = [];
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) problems.push({ field: formatPath([...issue.path, key]), message: 'is not a scope record field (CLIENT-16)' });
      else problems.push({ field: formatPath(issue.path) || '(record)', message: issue.message });
    }
    return { ok: false, problems };
  }
  const problems = checkScopeRules(parsed.data).map((issue) => ({ field: formatPath(issue.path), message: issue.message }));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, record: parsed.data };
}

/**
 * CLIENT-16: the scopes of OP_SCOPES_FILE (and the built-in ones), fixed at start, and the scopes
 * created through the administration API, replaced whenever the store's version moves (the same
 * background refresh as the live client registry). Lookups stay in memory and synchronous.
 */
export class LiveScopeRegistry implements ScopeRegistry {
  readonly #file: ScopeRegistry;
  #api = new Map<string, { raw: string; scope: RegisteredScope }>();
  #all: readonly RegisteredScope[];
  #version = 0;

  constructor(file: ScopeRegistry) {
    this.#file = file;
    this.#all = file.all();
  }

  find(name: string): RegisteredScope | undefined {
    const api = this.#api.get(name)?.scope;
    if (api) return api.active ? api : undefined;
    return this.#file.find(name);
  }

  all(): readonly RegisteredScope[] {
    return this.#all;
  }

  /** Increments at every change of the API's scopes (discovery caches by it). */
  get version(): number {
    return this.#version;
  }

  /** Built-in and OP_SCOPES_FILE scopes are read-only to the API. */
  isFileScope(name: string): boolean {
    return this.#file.all().some((scope) => scope.name === name);
  }

  apiScope(name: string): RegisteredScope | undefined {
    return this.#api.get(name)?.scope;
  }

  apply(records: ReadonlyMap<string, string>): string[] {
    const problems: string[] = [];
    const next = new Map<string, { raw: string; scope: RegisteredScope }>();
    for (const [name, raw] of records) {
      const known = this.#api.get(name);
      if (known?.raw === raw) {
        next.set(name, known);
        continue;
      }
      try {
        const record = JSON.parse(raw) as ScopeRecord;
        if (record.name !== name || this.isFileScope(name)) throw new Error('name does not match its key or is a file scope');
        next.set(name, { raw, scope: Object.freeze({ ...record, builtIn: false }) });
      } catch (error) {
        problems.push(`scope ${JSON.stringify(name)} in the store cannot be read (${(error as Error).message.slice(0, 100)})`);
      }
    }
    const changed = next.size !== this.#api.size || [...next].some(([name, entry]) => this.#api.get(name) !== entry);
    this.#api = next;
    this.#all = [...this.#file.all(), ...[...next.values()].map((entry) => entry.scope)];
    if (changed) this.#version++;
    return problems;
  }
}

/** Validate a parsed scopes file. Pure: throws ScopeRegistryError listing every problem. */
export function parseScopeRecords(input: unknown, source = 'scopes file'): ScopeRegistry {
  if (!Array.isArray(input)) throw new ScopeRegistryError(source, ['the file must hold a JSON array of scope records']);
  const problems: string[] = [];
  const records: ScopeRecord[] = [];
  input.forEach((raw: unknown, index) => {
    const name =
      raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string'
        ? JSON.stringify((raw as { name: string }).name)
        : `#${index + 1} (no valid name)`;
    const parsed = scopeRecordSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problems.push(`scope ${name} field ${formatPath([...issue.path, key])}: is not a scope record field (CLIENT-16)`);
        } else {
          problems.push(`scope ${name} field ${formatPath(issue.path) || '(record)'}: ${issue.message}`);
        }
      }
      return;
    }
    for (const issue of checkScopeRules(parsed.data)) problems.push(`scope ${name} field ${formatPath(issue.path)}: ${issue.message}`);
    records.push(parsed.data);
  });
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.name)) problems.push(`scope ${JSON.stringify(record.name)} field name: is registered twice`);
    seen.add(record.name);
  }
  if (problems.length > 0) throw new ScopeRegistryError(source, problems);
  return new StaticScopeRegistry(records.map((record) => Object.freeze({ ...record, builtIn: false })));
}

/** Who is asking for a scope: a client's integration type and organisation. */
export interface ScopeHolder {
  integration_type: string;
  client_orgno: string;
}

/**
 * CLIENT-16: why `holder` may not hold the scope `name`, or undefined when it may. The scope must
 * exist, be active, allow the holder's integration type and be open to its organisation: to all,
 * to its owner, or to the organisations granted it (consumer_orgnos).
 */
export function scopeRefusal(name: string, holder: ScopeHolder, scopes: ScopeRegistry): string | undefined {
  const scope = scopes.find(name);
  if (!scope) return scopes.all().some((s) => s.name === name) ? `${name} is inactive (CLIENT-16)` : `${name} does not exist in the scope registry (CLIENT-16)`;
  if (!scope.allowed_integration_types.includes(holder.integration_type as IntegrationType)) {
    return `${name} is not allowed for integration_type ${holder.integration_type} (CLIENT-16)`;
  }
  const open = scope.accessible_for_all || scope.owner_orgno === holder.client_orgno || scope.consumer_orgnos.includes(holder.client_orgno);
  if (!open) return `${name} is not open to organisation ${holder.client_orgno} (CLIENT-16)`;
  return undefined;
}
