// The import rules of src/ (README, "Architecture"): dependencies point one way, and protocol
// code does no I/O. `npm run check:architecture` prints every broken rule; test/architecture.test.ts
// runs the same check as part of `npm test`. The pure pieces are exported for that test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One import of a source file: what it names, and whether only types come through it. */
export interface ImportEdge {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

/** The rooms of src/: a folder, or `kernel` for the top-level modules everyone may use. */
export type Room = 'protocol' | 'store' | 'flows' | 'routes' | 'http' | 'views' | 'i18n' | 'registry' | 'keys' | 'authn' | 'operations' | 'cli' | 'kernel' | 'entry';

/** Top-level modules that import nothing from src/ and that every room may use. */
const kernelFiles = new Set(['src/errors.ts', 'src/clock.ts', 'src/random.ts', 'src/config.ts']);

/** Packages and built-ins that do I/O: protocol code must not reach them, even indirectly. */
const ioModules = [/^node:(fs|net|http|https|http2|child_process|dgram|dns|tls|worker_threads)(\/|$)/, /^(fs|net|http|https|child_process)$/, /^ioredis$/, /^fastify$/, /^@fastify\//];
const webFramework = [/^fastify$/, /^@fastify\//, /^fastify-/];

/**
 * What each room may import from src/ (besides itself and the kernel). `types` lists rooms it may
 * import types from but no values. A room not listed here may import anything.
 */
export const rules: Partial<Record<Room, { values: readonly Room[]; types?: readonly Room[]; packages?: 'no-web-framework'; why: string }>> = {
  protocol: { values: ['registry'], why: 'protocol is pure: parameters in, a typed result or an OAuthError out' },
  store: { values: [], types: ['protocol'], why: 'the store knows protocol types only' },
  flows: { values: ['protocol', 'store', 'registry', 'keys', 'authn', 'i18n', 'operations'], packages: 'no-web-framework', why: 'use cases run protocol and store, and know nothing of HTTP' },
  routes: { values: ['flows', 'http', 'protocol', 'views', 'i18n', 'registry'], why: 'routes parse, call one use case and respond; they never touch the store' },
  http: { values: ['views', 'i18n', 'protocol'], types: ['flows', 'registry'], why: 'http holds only the Fastify adapters' },
  views: { values: ['i18n', 'protocol'], why: 'views render what they are given' },
  i18n: { values: [], why: 'messages are data' },
  registry: { values: ['protocol'], why: 'the registry validates records with protocol rules' },
  authn: { values: ['protocol'], why: 'authenticators check what the user submitted' },
  keys: { values: ['store', 'protocol'], why: 'keys load and share key material' },
  cli: { values: ['keys', 'registry', 'protocol', 'authn'], packages: 'no-web-framework', why: 'the command-line tools work on files and keys; they never start the provider' },
  operations: { values: [], packages: 'no-web-framework', why: 'metrics and the audit log are instruments: they know nothing of the protocol, the store or HTTP' },
};

const importPattern = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Every static import and re-export of a file, with its line and whether it is type-only. */
export function importsOf(text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(importPattern)) {
    const statement = m[0];
    // `export const x = …` and friends have no `from`; only re-exports and imports count.
    if (m[1] === 'export' && !/\bfrom\s+['"]/.test(statement)) continue;
    edges.push({ specifier: m[3]!, typeOnly: m[2] !== undefined, line: text.slice(0, m.index).split('\n').length });
  }
  return edges;
}

/** The room of a repo-relative src path. */
export function roomOf(file: string): Room {
  if (kernelFiles.has(file)) return 'kernel';
  const parts = file.split('/');
  if (parts.length === 2) return 'entry';
  return parts[1] as Room;
}

/** A relative specifier resolved to a repo-relative .ts path; undefined for packages. */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return normalize(join(dirname(from), specifier)).replace(/\\/g, '/').replace(/\.js$/, '.ts');
}

export interface Violation {
  file: string;
  line: number;
  message: string;
}

/** Check the rules over `files` (repo-relative path → text). */
export function checkArchitecture(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const edges = new Map<string, ImportEdge[]>();
  for (const [file, text] of files) edges.set(file, importsOf(text));

  for (const [file, imports] of edges) {
    const room = roomOf(file);
    for (const edge of imports) {
      const target = resolveSpecifier(file, edge.specifier);
      if (room === 'kernel') {
        if (target !== undefined && !kernelFiles.has(target)) violations.push({ file, line: edge.line, message: `kernel module imports ${target}: the kernel imports nothing from src/` });
        continue;
      }
      const rule = rules[room];
      if (!rule) continue;
      if (target === undefined) {
        if (rule.packages === 'no-web-framework' && webFramework.some((p) => p.test(edge.specifier))) {
          violations.push({ file, line: edge.line, message: `${room} imports ${edge.specifier}: ${rule.why}` });
        }
        continue;
      }
      const targetRoom = roomOf(target);
      if (targetRoom === room || targetRoom === 'kernel') continue;
      if (rule.values.includes(targetRoom)) continue;
      if (edge.typeOnly && rule.types?.includes(targetRoom)) continue;
      const kind = rule.types?.includes(targetRoom) ? 'values from' : 'from';
      violations.push({ file, line: edge.line, message: `${room} imports ${kind} ${targetRoom} (${target}): ${rule.why}` });
    }
  }

  // Protocol code does no I/O, not even through what it imports: follow value imports.
  for (const file of files.keys()) {
    if (roomOf(file) !== 'protocol') continue;
    const seen = new Set<string>();
    const queue = [file];
    while (queue.length > 0) {
      const current = queue.pop()!;
      if (seen.has(current)) continue;
      seen.add(current);
      for (const edge of edges.get(current) ?? []) {
        if (edge.typeOnly) continue;
        const target = resolveSpecifier(current, edge.specifier);
        if (target === undefined) {
          if (ioModules.some((p) => p.test(edge.specifier))) {
            violations.push({ file, line: 1, message: `protocol reaches ${edge.specifier} through ${current}: protocol code does no I/O` });
          }
        } else if (files.has(target)) queue.push(target);
      }
    }
  }
  return violations;
}

/** Every .ts file below src/ of `root`, repo-relative. */
export function readSources(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const src = join(root, 'src');
  if (!existsSync(src)) return files;
  for (const path of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!path.endsWith('.ts')) continue;
    const file = relative(root, join(src, path)).replace(/\\/g, '/');
    files.set(file, readFileSync(join(root, file), 'utf8'));
  }
  return files;
}

function main(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const violations = checkArchitecture(readSources(root));
  for (const v of violations) console.error(`architecture: ${v.file}:${v.line}: ${v.message}`);
  if (violations.length > 0) process.exit(1);
  console.log('architecture: every import follows the rules of src/');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
