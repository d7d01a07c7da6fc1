// The scope registry (CLIENT-16): records validated all at once (every broken record is reported,
// each with its name, field and rule), the built-in scopes always present. Lookups are
// synchronous against the registry object, which a later source (the administration API) may
// keep live; nothing else holds on to scope records. Pure; scopes-file.ts reads OP_SCOPES_FILE.
import { builtInScopes, checkScopeRules, scopeRecordSchema, type IntegrationType, type RegisteredScope, type ScopeRecord } from './scope-schema.js';

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
