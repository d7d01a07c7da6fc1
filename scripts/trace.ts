// Requirements traceability: checks requirements/catalog.yaml against the requirement IDs
// cited in src/ and named in test titles, and writes requirements/TRACEABILITY.md.
// Run with `npm run trace`. The pure pieces are exported for test/trace.test.ts.
//
// An ID counts as a code location only where a decision is made: on a line of code, or in a
// comment directly above code. An ID inside a string (an error text, an OpenAPI or zod
// description) or only in a file's header comment is a mention, not a location.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

export const STATUSES = ['implemented', 'partial', 'planned', 'not-applicable'] as const;
export type Status = (typeof STATUSES)[number];

export interface Requirement {
  id: string;
  area: string;
  requirement: string;
  clause: string;
  status: Status;
  issue?: number | 'later';
  reason?: string;
  /** For `partial`: the clauses not yet met. */
  missing?: string[];
}

/** One place in a file: path relative to the repo root, 1-based line. */
export interface Location {
  file: string;
  line: number;
}
export interface Citation extends Location {
  id: string;
}
export interface TestTitle extends Location {
  title: string;
  ids: string[];
}

const ID_SOURCE = String.raw`\b[A-Z]{2,12}-[0-9]{2}\b`;
const KNOWN_KEYS = new Set(['id', 'area', 'requirement', 'clause', 'status', 'issue', 'reason', 'note', 'missing']);

export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`malformed catalog:\n${problems.join('\n')}`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isStatus = (v: unknown): v is Status => STATUSES.some((s) => s === v);

/** Parses and validates the catalog YAML; throws CatalogError naming every bad entry. */
export function parseCatalog(yamlText: string): Requirement[] {
  const doc: unknown = parse(yamlText);
  if (!Array.isArray(doc)) throw new CatalogError(['the catalog must be a YAML list of entries']);
  const problems: string[] = [];
  const firstSeen = new Map<string, number>();
  const entries: Requirement[] = [];
  doc.forEach((raw: unknown, index) => {
    const name = `entry #${index + 1}${isRecord(raw) && isText(raw.id) ? ` (${raw.id})` : ''}`;
    const bad = (msg: string) => problems.push(`${name}: ${msg}`);
    if (!isRecord(raw)) return bad('is not a mapping');
    const { id, area, requirement, clause, status, issue, reason, missing } = raw;
    for (const key of Object.keys(raw)) if (!KNOWN_KEYS.has(key)) bad(`unknown key "${key}"`);
    if (!isText(id) || !new RegExp(`^${ID_SOURCE}$`).test(id)) return bad('id missing or not of the form AREA-NN');
    if (firstSeen.has(id)) bad(`duplicate id, first used by entry #${firstSeen.get(id)}`);
    else firstSeen.set(id, index + 1);
    if (!isText(area)) bad('area missing');
    if (!isText(requirement)) bad('requirement missing');
    if (!isText(clause)) bad('clause missing (use — when there is none)');
    if (!isStatus(status)) return bad(`status ${JSON.stringify(status)} is not one of ${STATUSES.join(', ')}`);
    if (status === 'not-applicable' && !isText(reason)) bad('status not-applicable requires a reason');
    if (reason !== undefined && !isText(reason)) bad('reason must be a non-empty string');
    const issueNo = typeof issue === 'number' && Number.isInteger(issue) && issue > 0 ? issue : undefined;
    const parsedIssue = issue === 'later' ? 'later' : issueNo;
    if (issue !== undefined && parsedIssue === undefined) bad(`issue ${JSON.stringify(issue)} must be an issue number or "later"`);
    if (status === 'planned' && issue === undefined) bad('status planned requires an issue');
    const missingList = Array.isArray(missing) && missing.length > 0 && missing.every(isText) ? missing.map((m) => m.trim()) : undefined;
    if (status === 'partial') {
      if (missingList === undefined) bad('status partial requires a missing: list of the clauses not yet met');
      if (issue === undefined) bad('status partial requires the issue that finishes it');
    } else if (missing !== undefined) bad('missing: belongs to status partial only');
    if (isText(area) && isText(requirement) && isText(clause)) {
      const entry: Requirement = { id, area, requirement: requirement.trim(), clause, status };
      if (parsedIssue !== undefined) entry.issue = parsedIssue;
      if (isText(reason)) entry.reason = reason.trim();
      if (status === 'partial' && missingList !== undefined) entry.missing = missingList;
      entries.push(entry);
    }
  });
  if (problems.length > 0) throw new CatalogError(problems);
  return entries;
}

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** Every requirement-ID occurrence in a file's text, once per (id, line). */
export function findIds(text: string, file: string): Citation[] {
  const seen = new Set<string>();
  const found: Citation[] = [];
  for (const m of text.matchAll(new RegExp(ID_SOURCE, 'g'))) {
    const line = lineAt(text, m.index);
    const key = `${m[0]}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ id: m[0], file, line });
  }
  return found;
}

type Segment = { kind: 'code' | 'comment' | 'string'; text: string; start: number };

/** Characters after which a `/` starts a regular expression rather than a division. */
const regexPrecedes = new Set([...'(,=:[!&|?{};+-*%<>~^']);

/**
 * Splits TypeScript text into code, comments and string literals (template literals count as
 * strings; their `${}` parts as code), well enough to tell where an ID stands.
 */
export function segmentsOf(text: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  let codeStart = 0;
  const templateDepth: number[] = [];
  let braceDepth = 0;
  const flushCode = (end: number) => {
    if (end > codeStart) segments.push({ kind: 'code', text: text.slice(codeStart, end), start: codeStart });
  };
  const lastSignificant = (): string => {
    for (let j = i - 1; j >= 0; j--) if (!/\s/.test(text[j]!)) return text[j]!;
    return '';
  };
  const readString = (quote: string): number => {
    let j = i + 1;
    while (j < text.length) {
      if (text[j] === '\\') j += 2;
      else if (text[j] === quote) return j + 1;
      else if (quote === '`' && text[j] === '$' && text[j + 1] === '{') return j;
      else if (text[j] === '\n' && quote !== '`') return j;
      else j++;
    }
    return j;
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      flushCode(i);
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      segments.push({ kind: 'comment', text: text.slice(i, stop), start: i });
      i = codeStart = stop;
    } else if (c === '/' && next === '*') {
      flushCode(i);
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      segments.push({ kind: 'comment', text: text.slice(i, stop), start: i });
      i = codeStart = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      flushCode(i);
      const stop = readString(c);
      segments.push({ kind: 'string', text: text.slice(i, stop), start: i });
      if (c === '`' && text[stop] === '$') {
        templateDepth.push(braceDepth);
        i = codeStart = stop + 2;
        braceDepth++;
      } else i = codeStart = stop;
    } else if (c === '}' && templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braceDepth - 1) {
      // The end of a template literal's `${…}`: the literal continues.
      flushCode(i);
      templateDepth.pop();
      braceDepth--;
      let j = i + 1;
      while (j < text.length && text[j] !== '`' && !(text[j] === '$' && text[j + 1] === '{')) j += text[j] === '\\' ? 2 : 1;
      segments.push({ kind: 'string', text: text.slice(i, j + 1), start: i });
      if (text[j] === '$') {
        templateDepth.push(braceDepth);
        braceDepth++;
        i = codeStart = j + 2;
      } else i = codeStart = j + 1;
    } else if (c === '/' && (regexPrecedes.has(lastSignificant()) || lastSignificant() === '' || /\b(return|typeof|case)\s*$/.test(text.slice(Math.max(0, i - 8), i)))) {
      // A regular expression literal: skip it (with its character classes) as code.
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n') {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        else if (text[j] === '/' && !inClass) break;
        j++;
      }
      i = j + 1;
    } else {
      if (c === '{') braceDepth++;
      else if (c === '}') braceDepth--;
      i++;
    }
  }
  flushCode(text.length);
  return segments;
}

/**
 * The IDs that count as code locations: on a line that holds code, or in a comment block directly
 * above a line of code. IDs in strings never count, and neither do those of the file's header
 * comment (the comments before its first line of code).
 */
export function findDecisionIds(text: string, file: string): Citation[] {
  const segments = segmentsOf(text);
  const lineCount = text.split('\n').length;
  const hasCode: boolean[] = new Array(lineCount + 2).fill(false);
  for (const segment of segments) {
    if (segment.kind === 'comment') continue;
    // A string is part of a line of code too (`throw new OAuthError('…')`).
    let line = lineAt(text, segment.start);
    for (const part of segment.text.split('\n')) {
      if (part.trim() !== '') hasCode[line] = true;
      line++;
    }
  }
  const firstCodeLine = hasCode.findIndex((v) => v);
  const found: Citation[] = [];
  const seen = new Set<string>();
  for (const segment of segments) {
    if (segment.kind !== 'comment') continue;
    const startLine = lineAt(text, segment.start);
    const endLine = startLine + segment.text.split('\n').length - 1;
    if (firstCodeLine === -1 || endLine < firstCodeLine) continue; // the file header
    // Trailing (code on the comment's own line), or directly above code (comment lines between are fine).
    let below = endLine + 1;
    while (below <= lineCount && !hasCode[below] && /^\s*(\/\/|\/\*|\*)/.test(text.split('\n')[below - 1] ?? '')) below++;
    const decides = hasCode[startLine] || hasCode[below] === true;
    if (!decides) continue;
    for (const m of segment.text.matchAll(new RegExp(ID_SOURCE, 'g'))) {
      const line = lineAt(text, segment.start + m.index);
      const key = `${m[0]}:${line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ id: m[0], file, line });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Reads the string literal whose opening quote is at `start`; returns its raw contents. */
function readLiteral(text: string, start: number): string | undefined {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return text.slice(start + 1, i);
    else if (text[i] === '\n' && quote !== '`') return undefined;
  }
  return undefined;
}

/** Titles of plain `it(`, `test(` and `describe(` calls whose first argument is a string literal. */
export function findTestTitles(text: string, file: string): TestTitle[] {
  const titles: TestTitle[] = [];
  for (const m of text.matchAll(/(?<![\w$.])(?:it|test|describe)\s*\(\s*(['"`])/g)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (text.slice(lineStart, m.index).includes('//')) continue; // commented-out call
    const title = readLiteral(text, m.index + m[0].length - 1);
    if (title === undefined) continue;
    const ids = [...new Set(title.match(new RegExp(ID_SOURCE, 'g')) ?? [])];
    titles.push({ file, line: lineAt(text, m.index), title, ids });
  }
  return titles;
}

export interface ScanResult {
  code: Citation[]; // IDs anywhere in src/
  decisions: Citation[]; // IDs where src/ decides them (findDecisionIds)
  testCode: Citation[]; // IDs anywhere in test/ (titles or not)
  titles: TestTitle[]; // test titles in test/
}

const where = (locs: Location[]): string => locs.map((l) => `${l.file}:${l.line}`).join(', ');

/** All traceability problems, one human-readable line each; empty when everything checks out. */
export function checkTrace(catalog: Requirement[], scan: ScanResult): string[] {
  const known = new Set(catalog.map((r) => r.id));
  const problems: string[] = [];
  const unknown = new Map<string, Citation[]>();
  for (const c of [...scan.code, ...scan.testCode]) {
    if (!known.has(c.id)) unknown.set(c.id, [...(unknown.get(c.id) ?? []), c]);
  }
  for (const [id, locs] of unknown) problems.push(`${id} is cited at ${where(locs)} but is not in requirements/catalog.yaml`);
  const tested = new Set(scan.titles.flatMap((t) => t.ids));
  const decided = new Set(scan.decisions.map((c) => c.id));
  const mentioned = new Set(scan.code.map((c) => c.id));
  for (const r of catalog.filter((e) => e.status === 'implemented')) {
    if (!tested.has(r.id)) problems.push(`${r.id} is marked implemented but no test title in test/ names it`);
    if (!decided.has(r.id)) {
      problems.push(
        mentioned.has(r.id)
          ? `${r.id} is marked implemented but src/ only mentions it (in a string or a file header), never on or directly above the code that decides it`
          : `${r.id} is marked implemented but no code in src/ cites it`,
      );
    }
  }
  return problems;
}

export function summarize(catalog: Requirement[]): string {
  const count = (s: Status) => catalog.filter((r) => r.status === s).length;
  return `${catalog.length} requirements, ${count('implemented')} implemented, ${count('partial')} partial, ${count('planned')} planned, ${count('not-applicable')} not applicable`;
}

/** The README's status sentence about the catalog, kept equal to it by `npm run trace`. */
export function readmeStatus(catalog: Requirement[]): string {
  const count = (s: Status) => catalog.filter((r) => r.status === s).length;
  return (
    `> Of the ${catalog.length} requirements of the profile, ${count('implemented')} are implemented in full, ${count('partial')} in part (each with\n` +
    `> what is missing and the issue that finishes it), ${count('planned')} are planned and ${count('not-applicable')} do not apply; the\n` +
    '> [traceability matrix](requirements/TRACEABILITY.md) lists them all.'
  );
}

/** The README with its status sentence (between the trace:status markers) made current. */
export function withReadmeStatus(readme: string, catalog: Requirement[]): string {
  return readme.replace(/(<!-- trace:status -->\n)[\s\S]*?(\n> <!-- \/trace:status -->)/, `$1${readmeStatus(catalog)}$2`);
}

/** First sentence of a requirement, cut to about 100 characters. */
export function shortText(text: string, max = 100): string {
  const first = text.replace(/\s+/g, ' ').trim().split(/(?<!\b(?:e\.g|i\.e|cf|vs))(?<=[.!?])\s+/)[0] ?? '';
  if (first.length <= max) return first;
  const cut = first.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

const cell = (text: string): string => text.replace(/[|*\\]/g, '\\$&').replace(/</g, '&lt;');
const links = (locs: Location[]): string =>
  locs.map((l) => `[${l.file}:${l.line}](../${l.file}#L${l.line})`).join('<br>');

/** The Markdown matrix written to requirements/TRACEABILITY.md. */
export function renderMatrix(catalog: Requirement[], scan: ScanResult): string {
  const rows = catalog.map((r) => {
    const code = scan.decisions.filter((c) => c.id === r.id);
    const tests = scan.titles.filter((t) => t.ids.includes(r.id));
    const status = r.status === 'partial' ? `partial (issue ${r.issue}): missing ${r.missing!.map(cell).join('; ')}` : r.status;
    return `| ${r.id} | ${cell(shortText(r.requirement))} | ${status} | ${links(code)} | ${links(tests)} |`;
  });
  const partial = catalog.filter((r) => r.status === 'partial');
  return [
    '# Requirements traceability matrix',
    '',
    '<!-- Generated by `npm run trace` from requirements/catalog.yaml, src/ and test/. Do not edit. -->',
    '',
    `**Summary:** ${summarize(catalog)}.`,
    '',
    ...(partial.length > 0 ? ['**Partial:** ' + partial.map((r) => `${r.id} (issue ${r.issue})`).join(', ') + '.', ''] : []),
    'A code location is a line that decides the requirement (the ID on the code line or in a comment directly above it); mentions in strings and file headers are not listed.',
    '',
    '| ID | requirement | status | code | tests |',
    '|-|-|-|-|-|',
    ...rows,
    '',
  ].join('\n');
}

/** Repo-relative paths (forward slashes) of all .ts files below `dir`, sorted. */
function listTs(root: string, dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .map((p) => `${dir}/${p.split('\\').join('/')}`)
    .filter((p) => p.endsWith('.ts') && !p.split('/').includes('node_modules'))
    .sort();
}

export function scanRepo(root: string): ScanResult {
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const src = listTs(root, 'src');
  const test = listTs(root, 'test');
  return {
    code: src.flatMap((f) => findIds(read(f), f)),
    decisions: src.flatMap((f) => findDecisionIds(read(f), f)),
    testCode: test.flatMap((f) => findIds(read(f), f)),
    titles: test.flatMap((f) => findTestTitles(read(f), f)),
  };
}

function main(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let catalog: Requirement[];
  try {
    catalog = parseCatalog(readFileSync(join(root, 'requirements/catalog.yaml'), 'utf8'));
  } catch (err) {
    const lines = err instanceof CatalogError ? err.problems : [String(err)];
    for (const line of lines) console.error(`trace: requirements/catalog.yaml: ${line}`);
    process.exit(1);
  }
  const scan = scanRepo(root);
  writeFileSync(join(root, 'requirements/TRACEABILITY.md'), renderMatrix(catalog, scan));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  writeFileSync(join(root, 'README.md'), withReadmeStatus(readme, catalog));
  const problems = checkTrace(catalog, scan);
  if (problems.length > 0) {
    for (const p of problems) console.error(`trace: ${p}`);
    console.error(`trace: ${problems.length} problem(s); matrix written to requirements/TRACEABILITY.md anyway`);
    process.exit(1);
  }
  console.log(`trace: ${summarize(catalog)}; matrix written to requirements/TRACEABILITY.md, status to README.md`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
