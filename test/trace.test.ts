// Tooling tests for scripts/trace.ts. Requirement IDs appear here only as test data inside
// test bodies (never in titles), and fake IDs are assembled at runtime so that the trace
// scanner, which also reads this file, never sees them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  checkTrace,
  findDecisionIds,
  findIds,
  findTestTitles,
  parseCatalog,
  readmeStatus,
  renderMatrix,
  withReadmeStatus,
  type Requirement,
  type ScanResult,
} from '../scripts/trace.js';

const PKCE = 'AUTHZ-07';
const STATE = 'AUTHZ-08';
const FAKE = ['ZZZ', '99'].join('-');

const entry = (id: string, status: Requirement['status']): Requirement => ({
  id,
  area: 'Authorization endpoint',
  requirement: 'Some rule. More detail.',
  clause: '—',
  status,
  ...(status === 'planned' ? { issue: 3 } : {}),
  ...(status === 'not-applicable' ? { reason: 'Not offered.' } : {}),
});

const emptyScan = (): ScanResult => ({ code: [], decisions: [], testCode: [], titles: [] });

const catalogErrors = (yamlText: string): string[] => {
  try {
    parseCatalog(yamlText);
  } catch (err) {
    if (err instanceof CatalogError) return err.problems;
    throw err;
  }
  return [];
};

describe('catalog parsing', () => {
  it('accepts a well-formed catalog and keeps issue and reason', () => {
    const parsed = parseCatalog(
      [
        `- id: ${PKCE}`,
        '  area: Authorization endpoint',
        '  requirement: >-',
        '    PKCE is mandatory.',
        '  clause: RFC 7636 §4.4.1',
        '  status: planned',
        '  issue: 3',
        `- id: ${STATE}`,
        '  area: Authorization endpoint',
        '  requirement: State rule.',
        '  clause: —',
        '  status: not-applicable',
        '  reason: Not offered here.',
      ].join('\n'),
    );
    expect(parsed).toEqual([
      { id: PKCE, area: 'Authorization endpoint', requirement: 'PKCE is mandatory.', clause: 'RFC 7636 §4.4.1', status: 'planned', issue: 3 },
      { id: STATE, area: 'Authorization endpoint', requirement: 'State rule.', clause: '—', status: 'not-applicable', reason: 'Not offered here.' },
    ]);
  });

  it('rejects a not-applicable entry without a reason, naming the entry', () => {
    const problems = catalogErrors(
      `- id: ${PKCE}\n  area: A\n  requirement: R.\n  clause: —\n  status: not-applicable\n`,
    );
    expect(problems).toEqual([`entry #1 (${PKCE}): status not-applicable requires a reason`]);
  });

  it('rejects duplicate ids, unknown statuses and non-list documents', () => {
    const base = `  area: A\n  requirement: R.\n  clause: —\n  issue: 2\n`;
    const problems = catalogErrors(
      `- id: ${PKCE}\n${base}  status: planned\n- id: ${PKCE}\n${base}  status: done\n`,
    );
    expect(problems).toContain(`entry #2 (${PKCE}): duplicate id, first used by entry #1`);
    expect(problems.some((p) => p.startsWith(`entry #2 (${PKCE}): status "done"`))).toBe(true);
    expect(catalogErrors('id: x\n')).toEqual(['the catalog must be a YAML list of entries']);
  });
});

describe('source scanning', () => {
  it('records every requirement id with its line, once per line', () => {
    const text = `// ${PKCE} and ${PKCE}\nconst x = 1;\n/* ${STATE} */`;
    expect(findIds(text, 'src/a.ts')).toEqual([
      { id: PKCE, file: 'src/a.ts', line: 1 },
      { id: STATE, file: 'src/a.ts', line: 3 },
    ]);
  });

  it('finds titles of it, test and describe calls in all three quote styles', () => {
    const tick = '`';
    const text = [
      `describe('${PKCE} pkce', () => {`,
      `  it("refuses plain ${STATE}", () => {});`,
      `  test(${tick}multi`,
      `line ${PKCE}${tick}, () => {});`,
      '});',
    ].join('\n');
    const titles = findTestTitles(text, 'test/x.test.ts');
    expect(titles.map((t) => [t.line, t.ids])).toEqual([
      [1, [PKCE]],
      [2, [STATE]],
      [3, [PKCE]],
    ]);
    expect(titles[1]?.title).toBe(`refuses plain ${STATE}`);
  });

  it('ignores skipped, commented-out and look-alike calls', () => {
    const text = [
      // Built from parts so the project's own check for skipped tests does not see one here.
      `${'it'}.${'skip'}('${PKCE} skipped', () => {});`,
      `// it('${PKCE} commented out', () => {});`,
      `submit('${PKCE} not a test');`,
      `obj.test('${PKCE} a method');`,
    ].join('\n');
    expect(findTestTitles(text, 'test/x.test.ts')).toEqual([]);
  });
});

describe('traceability checks', () => {
  it('reports an id cited in src or test that is missing from the catalog', () => {
    const scan = emptyScan();
    scan.code = [{ id: FAKE, file: 'src/a.ts', line: 4 }];
    scan.testCode = [{ id: FAKE, file: 'test/a.test.ts', line: 9 }];
    expect(checkTrace([entry(PKCE, 'planned')], scan)).toEqual([
      `${FAKE} is cited at src/a.ts:4, test/a.test.ts:9 but is not in requirements/catalog.yaml`,
    ]);
  });

  it('reports an implemented entry that no test title names', () => {
    const scan = emptyScan();
    scan.code = [{ id: PKCE, file: 'src/a.ts', line: 1 }];
    scan.decisions = [{ id: PKCE, file: 'src/a.ts', line: 1 }];
    expect(checkTrace([entry(PKCE, 'implemented')], scan)).toEqual([
      `${PKCE} is marked implemented but no test title in test/ names it`,
    ]);
  });

  it('reports an implemented entry that no source code cites', () => {
    const scan = emptyScan();
    scan.titles = [{ file: 'test/a.test.ts', line: 2, title: `${PKCE} works`, ids: [PKCE] }];
    expect(checkTrace([entry(PKCE, 'implemented')], scan)).toEqual([
      `${PKCE} is marked implemented but no code in src/ cites it`,
    ]);
  });

  it('does not count an id that appears only inside a test body as tested', () => {
    const text = [`it('rejects the request', () => {`, `  expect(code).toBe('${PKCE}');`, '});'].join('\n');
    const scan: ScanResult = {
      code: [{ id: PKCE, file: 'src/a.ts', line: 1 }],
      decisions: [{ id: PKCE, file: 'src/a.ts', line: 1 }],
      testCode: findIds(text, 'test/a.test.ts'),
      titles: findTestTitles(text, 'test/a.test.ts'),
    };
    expect(scan.testCode).toHaveLength(1);
    expect(checkTrace([entry(PKCE, 'implemented')], scan)).toEqual([
      `${PKCE} is marked implemented but no test title in test/ names it`,
    ]);
  });

  it('passes when planned and not-applicable entries have no code or tests', () => {
    expect(checkTrace([entry(PKCE, 'planned'), entry(STATE, 'not-applicable')], emptyScan())).toEqual([]);
  });
});

describe('code locations', () => {
  it('counts an id on a line of code or in a comment directly above code', () => {
    const text = [
      '// header comment naming ' + PKCE,
      "import { x } from './x.js';",
      '',
      '// ' + STATE + ' decides here',
      'if (a) throw error; // ' + PKCE,
      '/**',
      ' * ' + STATE + ' in a doc comment',
      ' */',
      'export function f() {}',
    ].join('\n');
    expect(findDecisionIds(text, 'src/a.ts')).toEqual([
      { id: STATE, file: 'src/a.ts', line: 4 },
      { id: PKCE, file: 'src/a.ts', line: 5 },
      { id: STATE, file: 'src/a.ts', line: 7 },
    ]);
  });

  it('does not count an id in a string, a description or a comment above a blank line', () => {
    const tick = '`';
    const text = [
      "import { z } from 'zod';",
      "const schema = z.string().describe('Required for public clients (" + STATE + ")');",
      'const message = ' + tick + 'must be S256 (' + PKCE + ') ${value}' + tick + ';',
      "const re = /[\"']/g; const q = \"it's " + PKCE + "\";",
      '// ' + STATE + ' floating, followed by a blank line',
      '',
      'const y = 2;',
    ].join('\n');
    expect(findDecisionIds(text, 'src/a.ts')).toEqual([]);
    expect(findIds(text, 'src/a.ts').map((c) => c.id)).toEqual([STATE, PKCE, PKCE, STATE]);
  });

  it('reads on after a template literal with nested expressions', () => {
    const tick = '`';
    const text = ['const a = ' + tick + 'x ${ok ? ' + tick + 'y' + tick + ' : ' + "'z'" + '} w' + tick + ';', 'run(); // ' + PKCE].join('\n');
    expect(findDecisionIds(text, 'src/a.ts')).toEqual([{ id: PKCE, file: 'src/a.ts', line: 2 }]);
  });

  it('reports an implemented entry that src/ only mentions in strings or headers', () => {
    const scan = emptyScan();
    scan.code = [{ id: PKCE, file: 'src/a.ts', line: 1 }];
    scan.titles = [{ file: 'test/a.test.ts', line: 2, title: `${PKCE} works`, ids: [PKCE] }];
    expect(checkTrace([entry(PKCE, 'implemented')], scan)).toEqual([
      `${PKCE} is marked implemented but src/ only mentions it (in a string or a file header), never on or directly above the code that decides it`,
    ]);
  });
});

describe('partial requirements', () => {
  const partial = (missing: string) => [`- id: ${PKCE}`, '  area: A', '  requirement: R.', '  clause: —', '  status: partial', '  issue: 10', missing].join('\n');

  it('keeps the missing list and the issue that finishes it', () => {
    expect(parseCatalog(partial('  missing:\n    - the x5c path\n    - CRLs'))).toEqual([
      { id: PKCE, area: 'A', requirement: 'R.', clause: '—', status: 'partial', issue: 10, missing: ['the x5c path', 'CRLs'] },
    ]);
  });

  it('refuses a partial entry without a missing list, and a missing list elsewhere', () => {
    expect(catalogErrors(partial(''))).toEqual([`entry #1 (${PKCE}): status partial requires a missing: list of the clauses not yet met`]);
    expect(catalogErrors(`- id: ${PKCE}\n  area: A\n  requirement: R.\n  clause: —\n  status: implemented\n  missing:\n    - x\n`)).toEqual([
      `entry #1 (${PKCE}): missing: belongs to status partial only`,
    ]);
  });

  it('counts partial entries in the summary and shows what is missing in the matrix', () => {
    const md = renderMatrix([{ ...entry(PKCE, 'implemented'), status: 'partial', issue: 10, missing: ['the x5c path'] }], emptyScan());
    expect(md).toContain('1 requirements, 0 implemented, 1 partial, 0 planned, 0 not applicable');
    expect(md).toContain(`| ${PKCE} | Some rule. | partial (issue 10): missing the x5c path |  |  |`);
    expect(md).toContain(`**Partial:** ${PKCE} (issue 10).`);
  });
});

describe('matrix rendering', () => {
  it('renders counts, first sentences and relative links', () => {
    const scan = emptyScan();
    scan.decisions = [
      { id: PKCE, file: 'src/a.ts', line: 3 },
      { id: PKCE, file: 'src/b.ts', line: 7 },
    ];
    scan.titles = [{ file: 'test/a.test.ts', line: 5, title: `${PKCE} title text`, ids: [PKCE] }];
    const md = renderMatrix([entry(PKCE, 'implemented'), entry(STATE, 'planned')], scan);
    expect(md).toContain('2 requirements, 1 implemented, 0 partial, 1 planned, 0 not applicable');
    expect(md).toContain(
      `| ${PKCE} | Some rule. | implemented | [src/a.ts:3](../src/a.ts#L3)<br>[src/b.ts:7](../src/b.ts#L7) | [test/a.test.ts:5](../test/a.test.ts#L5) |`,
    );
    expect(md).toContain(`| ${STATE} | Some rule. | planned |  |  |`);
    expect(md).not.toContain('title text');
  });
});

describe('the real catalog', () => {
  it('lists exactly the ids of the profile checklist, in profile order', () => {
    const profile = readFileSync(new URL('../docs/profile.md', import.meta.url), 'utf8');
    const section = profile.split(/^## 18\./m)[1]?.split(/^## /m)[0] ?? '';
    const profileIds = [...section.matchAll(/^\| ([A-Z]{2,12}-[0-9]{2}) \|/gm)].map((m) => m[1] ?? '');
    expect(profileIds.length, 'section 18 of the profile lists no ids').toBeGreaterThan(0);

    const catalog = parseCatalog(readFileSync(new URL('../requirements/catalog.yaml', import.meta.url), 'utf8'));
    const ids = catalog.map((r) => r.id);
    expect(profileIds.filter((id) => !ids.includes(id)), 'missing from the catalog').toEqual([]);
    expect(ids.filter((id) => !profileIds.includes(id)), 'not in the profile').toEqual([]);
    expect(ids).toEqual(profileIds);
  });

  it("agrees with the README's status sentence (npm run trace writes it)", () => {
    const catalog = parseCatalog(readFileSync(new URL('../requirements/catalog.yaml', import.meta.url), 'utf8'));
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('<!-- trace:status -->');
    expect(readme).toContain(readmeStatus(catalog));
    expect(withReadmeStatus(readme, catalog)).toBe(readme);
  });
});
