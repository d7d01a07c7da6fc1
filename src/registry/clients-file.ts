// OP_CLIENTS_FILE: the JSON array of client records, read once at start.
import { readFileSync } from 'node:fs';
import type { Mode } from '../config.js';
import { ClientRegistryError, parseClientRecords, type ParsedRegistry } from './client-registry.js';
import { builtInScopeRegistry, type ScopeRegistry } from './scope-registry.js';

/** The records, checked against the scope registry (CLIENT-16). */
export function loadClientRecords(path: string, mode: Mode, scopes: ScopeRegistry = builtInScopeRegistry): ParsedRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ClientRegistryError(path, [`OP_CLIENTS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ClientRegistryError(path, [`OP_CLIENTS_FILE is not valid JSON (${(error as Error).message})`]);
  }
  return parseClientRecords(json, mode, path, scopes);
}
