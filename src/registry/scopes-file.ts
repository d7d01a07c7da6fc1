// OP_SCOPES_FILE: the JSON array of scope records (CLIENT-16), read at start. Unset: only the
// built-in scopes.
import { readFileSync } from 'node:fs';
import { ScopeRegistryError, builtInScopeRegistry, parseScopeRecords, type ScopeRegistry } from './scope-registry.js';

export function loadScopeRecords(path: string | undefined): ScopeRegistry {
  if (path === undefined) return builtInScopeRegistry;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScopeRegistryError(path, [`OP_SCOPES_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScopeRegistryError(path, [`OP_SCOPES_FILE is not valid JSON (${(error as Error).message})`]);
  }
  return parseScopeRecords(json, path);
}
