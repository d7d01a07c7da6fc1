// Staged key rotation (JWKS-03, docs/interface.md "Operations"): a key with activate_at is
// published at once and signs only from that moment, judged by the provider's clock, so every
// instance switches together without a restart; SIGHUP re-reads the keys file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { SigningKeyError, generatePrivateJwk, loadSigningKeys, parseSigningKeySet } from '../../src/keys/signing-keys.js';
import { keySpace } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { uniquePrefix } from '../support/redis.js';
import { tokenFlow } from '../support/token-flow.js';
import { idTokenOf, web } from '../support/vocabulary.js';

const providers: TestProvider[] = [];
afterEach(async () => {
  for (const provider of providers.splice(0)) await provider.close();
});

const writeKeysFile = (keys: unknown[]): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'op-rotation-')), 'keys.json');
  writeFileSync(path, JSON.stringify({ keys }));
  return path;
};

describe('staged signing keys', () => {
  it('JWKS-03 publishes a staged key at once and signs with it only from its activate_at, on every instance at the same moment', async () => {
    let now = Date.now();
    const activateAtS = Math.floor(now / 1000) + 24 * 3600;
    const [staged, current] = await Promise.all([generatePrivateJwk(), generatePrivateJwk()]);
    const prefix = uniquePrefix('rotation');
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const signingKeys = await parseSigningKeySet({ keys: [{ ...staged, activate_at: activateAtS }, current] }, 'localhost:3000');
        const provider = await startTestProvider({ signingKeys, prefix, clock: () => now });
        providers.push(provider);
        return provider;
      }),
    );
    for (const provider of instances) {
      const jwks = (await provider.app.inject({ method: 'GET', url: '/jwks.json' })).json<{ keys: { kid: string }[] }>();
      expect(jwks.keys.map((k) => k.kid)).toEqual([staged.kid, current.kid]);
    }
    const signedBy = async (provider: TestProvider) => {
      const flow = tokenFlow({ provider: () => provider, now: () => now });
      const tokens = await flow.tokensFor(web);
      return [decodeProtectedHeader(idTokenOf(tokens)).kid, decodeProtectedHeader(tokens.access_token).kid];
    };
    for (const provider of instances) expect(await signedBy(provider)).toEqual([current.kid, current.kid]);
    now = activateAtS * 1000 - 1;
    for (const provider of instances) expect(await signedBy(provider)).toEqual([current.kid, current.kid]);
    now = activateAtS * 1000;
    for (const provider of instances) expect(await signedBy(provider)).toEqual([staged.kid, staged.kid]);
  });

  it('JWKS-03 refuses a keys file in which no key may sign yet, or a malformed activate_at', async () => {
    const key = await generatePrivateJwk();
    const load = (keys: unknown[]) => loadSigningKeys({ issuer: 'http://localhost:3000', signingKeysFile: writeKeysFile(keys) }, new MemoryStore((k) => k), keySpace('x:'));
    await expect(load([{ ...key, activate_at: Math.floor(Date.now() / 1000) + 60 }])).rejects.toThrow(SigningKeyError);
    await expect(load([{ ...key, activate_at: Math.floor(Date.now() / 1000) + 60 }])).rejects.toThrow('no key that may sign now');
    await expect(load([{ ...key, activate_at: '2026-01-01' }])).rejects.toThrow('keys[0]: activate_at must be a whole number of seconds since the epoch (JWKS-03)');
  });
});

describe('SIGHUP', () => {
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) child.kill('SIGKILL');
  });

  it('JWKS-03 re-reads the keys file on SIGHUP: /jwks.json shows the staged key without a restart, and a broken file leaves the keys alone', async () => {
    const [current, staged] = await Promise.all([generatePrivateJwk(), generatePrivateJwk()]);
    const path = writeKeysFile([current]);
    // node itself with tsx's loader (not the tsx wrapper, which does not pass SIGHUP on).
    const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src', 'server.ts')], { env: { PATH: process.env.PATH ?? '', OP_PORT: '0', OP_SIGNING_KEYS_FILE: path }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const waitFor = async (what: RegExp): Promise<RegExpExecArray> => {
      for (let i = 0; i < 400; i++) {
        const match = what.exec(output);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`no ${what}: ${output}`);
    };
    const url = (await waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const kids = async () => ((await (await fetch(`${url}/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(await kids()).toEqual([current.kid]);

    writeFileSync(path, JSON.stringify({ keys: [{ ...staged, activate_at: Math.floor(Date.now() / 1000) + 86_400 }, current] }));
    child.kill('SIGHUP');
    await waitFor(/signing keys reloaded/);
    expect(await kids()).toEqual([staged.kid, current.kid]);

    writeFileSync(path, '{"keys": "broken"');
    child.kill('SIGHUP');
    await waitFor(/signing keys not reloaded/);
    expect(await kids()).toEqual([staged.kid, current.kid]);
    expect(child.exitCode).toBeNull();
  }, 30_000);
});
