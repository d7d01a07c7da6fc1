import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSigningKeySet } from '../src/keys/signing-keys.js';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const script = (name: string) => join(process.cwd(), 'scripts', name);

describe('key scripts', () => {
  it('JWKS-03 keys:generate writes a loadable key file and keys:rotate puts a new key in front of the old ones', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'op-keyscript-')), 'keys.json');
    await run(tsx, [script('keys-generate.ts'), path]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const first = await parseSigningKeySet(JSON.parse(readFileSync(path, 'utf8')), 'x');
    await run(tsx, [script('keys-rotate.ts'), path]);
    const second = await parseSigningKeySet(JSON.parse(readFileSync(path, 'utf8')), 'x');
    expect(second.all).toHaveLength(2);
    expect(second.all[1]!.kid).toBe(first.active.kid);
    expect(second.active.kid).not.toBe(first.active.kid);
    await run(tsx, [script('keys-rotate.ts'), path, '--keep', '2']);
    const third = await parseSigningKeySet(JSON.parse(readFileSync(path, 'utf8')), 'x');
    expect(third.all.map((k) => k.kid).slice(1)).toEqual([second.active.kid]);
    await expect(run(tsx, [script('keys-generate.ts'), path])).rejects.toMatchObject({ stderr: expect.stringContaining('exists') });
  }, 60_000);

  it('keys:rotate refuses a file that is not a key set', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'op-keyscript-')), 'keys.json');
    writeFileSync(path, '{"nope":1}');
    await expect(run(tsx, [script('keys-rotate.ts'), path])).rejects.toMatchObject({ stderr: expect.stringContaining('is not a JSON Web Key Set') });
  }, 30_000);
});
