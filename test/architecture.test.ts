// The import rules of src/ (scripts/check-architecture.ts): the real tree follows them, and each
// rule the check knows is shown to catch a breach in a small made-up tree.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, importsOf, readSources } from '../scripts/check-architecture.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A made-up tree: the real one plus `extra` files (repo-relative path → text). */
const withFiles = (extra: Record<string, string>): Map<string, string> => new Map([...readSources(root), ...Object.entries(extra)]);
const messagesOf = (extra: Record<string, string>): string[] => checkArchitecture(withFiles(extra)).map((v) => `${v.file}: ${v.message}`);

describe('architecture', () => {
  it('every import in src/ follows the rules (README, Architecture)', () => {
    expect(checkArchitecture(readSources(root)).map((v) => `${v.file}:${v.line}: ${v.message}`)).toEqual([]);
  });

  it('reads value, type-only and re-export imports with their lines', () => {
    const text = "import { a } from './a.js';\nimport type { B } from '../b.js';\nexport { c } from './c.js';\nexport const d = 1;\nimport './side-effect.js';\n";
    expect(importsOf(text)).toEqual([
      { specifier: './a.js', typeOnly: false, line: 1 },
      { specifier: '../b.js', typeOnly: true, line: 2 },
      { specifier: './c.js', typeOnly: false, line: 3 },
      { specifier: './side-effect.js', typeOnly: false, line: 5 },
    ]);
  });

  it('fails when protocol imports the store, http, routes or flows', () => {
    for (const room of ['store/store', 'http/headers', 'routes/token', 'flows/services']) {
      expect(messagesOf({ 'src/protocol/bad.ts': `import { x } from '../${room}.js';\n` })).toEqual([
        expect.stringMatching(new RegExp(`^src/protocol/bad\\.ts: protocol imports from ${room.split('/')[0]} `)),
      ]);
    }
  });

  it('fails when protocol reaches I/O, even through a module it imports', () => {
    expect(messagesOf({ 'src/protocol/bad.ts': "import { readFileSync } from 'node:fs';\n" })).toEqual(['src/protocol/bad.ts: protocol reaches node:fs through src/protocol/bad.ts: protocol code does no I/O']);
    expect(
      messagesOf({ 'src/protocol/bad.ts': "import { helper } from '../registry/helper.js';\n", 'src/registry/helper.ts': "import { Redis } from 'ioredis';\nexport const helper = 1;\n" }),
    ).toEqual(['src/protocol/bad.ts: protocol reaches ioredis through src/registry/helper.ts: protocol code does no I/O']);
  });

  it('fails when the store imports anything but protocol types', () => {
    expect(messagesOf({ 'src/store/bad.ts': "import { decideSso } from '../protocol/sso.js';\n" })).toEqual([
      'src/store/bad.ts: store imports values from protocol (src/protocol/sso.ts): the store knows protocol types only',
    ]);
    expect(messagesOf({ 'src/store/bad.ts': "import type { Services } from '../flows/services.js';\n" })).toEqual([
      'src/store/bad.ts: store imports from flows (src/flows/services.ts): the store knows protocol types only',
    ]);
    expect(messagesOf({ 'src/store/good.ts': "import type { CodeRecord } from '../protocol/token/authorization-code-grant.js';\n" })).toEqual([]);
  });

  it('fails when a route imports the store', () => {
    expect(messagesOf({ 'src/routes/bad.ts': "import { SessionStore } from '../store/sessions.js';\n" })).toEqual([
      "src/routes/bad.ts: routes imports from store (src/store/sessions.ts): routes parse, call one use case and respond; they never touch the store",
    ]);
  });

  it('fails when a use case imports the web framework or an HTTP adapter', () => {
    expect(messagesOf({ 'src/flows/bad.ts': "import type { FastifyReply } from 'fastify';\n" })).toEqual([
      'src/flows/bad.ts: flows imports fastify: use cases run protocol and store, and know nothing of HTTP',
    ]);
    expect(messagesOf({ 'src/flows/bad.ts': "import { sendPage } from '../http/headers.js';\n" })).toEqual([
      'src/flows/bad.ts: flows imports from http (src/http/headers.ts): use cases run protocol and store, and know nothing of HTTP',
    ]);
  });

  it('fails when a kernel module imports from src/', () => {
    expect(messagesOf({ 'src/errors.ts': "import { x } from './protocol/acr.js';\n" })).toEqual([
      'src/errors.ts: kernel module imports src/protocol/acr.ts: the kernel imports nothing from src/',
    ]);
  });
});
