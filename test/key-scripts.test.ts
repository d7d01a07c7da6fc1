import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generatePrivateJwk, parseSigningKeySet } from '../src/keys/signing-keys.js';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const script = (name: string) => join(process.cwd(), 'scripts', name);
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'op-keyscript-')), 'keys.json');
const fileKeys = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { keys: { kid: string; activate_at?: number }[] }).keys;

describe('key scripts', () => {
  it('the command-line tools run through one entry (node dist/cli.js in the image): keys generate, and a usage line for an unknown command', async () => {
    const path = tempFile();
    const cli = join(process.cwd(), 'src', 'cli.ts');
    const { stdout } = await run(tsx, [cli, 'keys', 'generate', path]);
    expect(stdout).toContain('OP_SIGNING_KEYS_FILE');
    expect((await parseSigningKeySet(JSON.parse(readFileSync(path, 'utf8')), 'x')).all).toHaveLength(1);
    await expect(run(tsx, [cli, 'keys', 'burn'])).rejects.toMatchObject({ code: 64, stderr: expect.stringContaining('keys generate') });
  }, 60_000);

  it('JWKS-03 keys:rotate stages the new key first, 24 h ahead: published at once, signing only from then', async () => {
    const path = tempFile();
    await run(tsx, [script('keys-generate.ts'), path]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const first = await parseSigningKeySet(JSON.parse(readFileSync(path, 'utf8')), 'x');
    const before = Date.now();
    const { stdout } = await run(tsx, [script('keys-rotate.ts'), path]);
    expect(stdout).toContain('SIGHUP');
    const second = await parseSigningKeySet(JSON.parse(readFileSync(path, 'utf8')), 'x');
    const [staged] = fileKeys(path);
    expect(second.all).toHaveLength(2);
    expect(second.all[1]!.kid).toBe(first.active.kid);
    expect(staged!.activate_at! * 1000).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
    expect(staged!.activate_at! * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000 + 1000);
    // The previous key keeps signing until the staged one's moment.
    expect(second.active.kid).toBe(first.active.kid);
    expect(second.signingKey(staged!.activate_at! * 1000).kid).toBe(staged!.kid);
    await expect(run(tsx, [script('keys-generate.ts'), path])).rejects.toMatchObject({ stderr: expect.stringContaining('exists') });
  }, 60_000);

  it('JWKS-03 keys:rotate --in changes the delay, and warns below 24 h', async () => {
    const path = tempFile();
    await run(tsx, [script('keys-generate.ts'), path]);
    const { stderr } = await run(tsx, [script('keys-rotate.ts'), path, '--in', '30m']);
    expect(stderr).toContain('24 h');
    const [staged] = fileKeys(path);
    expect(Math.abs(staged!.activate_at! * 1000 - (Date.now() + 30 * 60_000))).toBeLessThan(60_000);
    await expect(run(tsx, [script('keys-rotate.ts'), path, '--in', 'soon'])).rejects.toMatchObject({ stderr: expect.stringContaining('usage') });
  }, 60_000);

  it('JWKS-03 keys:retire removes only keys whose tokens can no longer be valid', async () => {
    const path = tempFile();
    const nowS = Math.floor(Date.now() / 1000);
    const [staged, current, previous, oldest] = await Promise.all([generatePrivateJwk(), generatePrivateJwk(), generatePrivateJwk(), generatePrivateJwk()]);
    // oldest stopped signing 25 h ago (when previous began), previous 1 h ago (when current began).
    const keys = [
      { ...staged, activate_at: nowS + 3600 },
      { ...current, activate_at: nowS - 3600 },
      { ...previous, activate_at: nowS - 25 * 3600 },
      oldest,
    ];
    writeFileSync(path, JSON.stringify({ keys }));
    const dry = await run(tsx, [script('keys-retire.ts'), path, '--dry-run']);
    expect(dry.stdout).toContain(`retire ${oldest.kid}`);
    expect(fileKeys(path)).toHaveLength(4);
    await run(tsx, [script('keys-retire.ts'), path]);
    expect(fileKeys(path).map((k) => k.kid)).toEqual([staged.kid, current.kid, previous.kid]);
    // With a shorter retention, the key that stopped an hour ago goes too; the signing and the staged key never do.
    await run(tsx, [script('keys-retire.ts'), path, '--after', '30m']);
    expect(fileKeys(path).map((k) => k.kid)).toEqual([staged.kid, current.kid]);
    const { stdout } = await run(tsx, [script('keys-retire.ts'), path, '--after', '0']);
    expect(stdout).toContain('nothing to retire');
  }, 60_000);

  it('JWKS-03 keys:retire keeps a key when a newer one has no activate_at (when it stopped signing is unknown)', async () => {
    const path = tempFile();
    const [manual, older] = await Promise.all([generatePrivateJwk(), generatePrivateJwk()]);
    writeFileSync(path, JSON.stringify({ keys: [manual, { ...older, activate_at: 1 }] }));
    const { stdout } = await run(tsx, [script('keys-retire.ts'), path, '--after', '0']);
    expect(stdout).toContain(`keep   ${older.kid}: kept: a newer key has no activate_at`);
    expect(fileKeys(path)).toHaveLength(2);
  }, 60_000);

  it('keys:rotate refuses a file that is not a key set', async () => {
    const path = tempFile();
    writeFileSync(path, '{"nope":1}');
    await expect(run(tsx, [script('keys-rotate.ts'), path])).rejects.toMatchObject({ stderr: expect.stringContaining('is not a JSON Web Key Set') });
  }, 30_000);
});
