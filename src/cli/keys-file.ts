// Shared by keys-generate, keys-rotate and keys-retire: read and write a private JWKS file
// (mode 0600), durations, and the JWKS-03 rules of when a key may go.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { generatePrivateJwk, parseSigningKeySet } from '../keys/signing-keys.js';

/** A key of the file: a private JWK, with `activate_at` (seconds) when it was staged (JWKS-03). */
export type FileKey = JWK & { activate_at?: number };

export function usage(command: string, text: string): never {
  process.stderr.write(`usage: npm run ${command} -- ${text}\n   or: node dist/cli.js ${command.replace(':', ' ')} ${text}\n`);
  process.exit(64);
}

export function readKeys(path: string): FileKey[] {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const keys = (JSON.parse(readFileSync(path, 'utf8')) as { keys?: FileKey[] }).keys;
  if (!Array.isArray(keys)) throw new Error(`${path} is not a JSON Web Key Set`);
  return keys;
}

/** Validates with the provider's own loader before writing, so the file will load at start. */
export async function writeKeys(path: string, keys: FileKey[]): Promise<void> {
  await parseSigningKeySet({ keys }, 'localhost');
  writeFileSync(path, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
}

export const newKey = generatePrivateJwk;

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `24h`, `2d` or `0`, in ms; undefined when malformed. */
/** The value after `--name` in argv, or undefined when the flag is absent. */
export function option(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? undefined : argv[at + 1];
}

export function parseDuration(text: string | undefined): number | undefined {
  if (text === '0') return 0;
  const match = /^(\d{1,6})([smhd])$/.exec(text ?? '');
  return match ? Number(match[1]) * units[match[2]!]! : undefined;
}

export const describeDuration = (ms: number): string =>
  ms % units.d! === 0 ? `${ms / units.d!} d` : ms % units.h! === 0 ? `${ms / units.h!} h` : ms % units.m! === 0 ? `${ms / units.m!} min` : `${ms / 1000} s`;

/** Named arguments (`--in 24h`) and the positional ones, or undefined for an unknown option. */
export function parseArguments(argv: readonly string[], options: readonly string[]): { positional: string[]; named: Map<string, string> } | undefined {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) positional.push(arg);
    else if (options.includes(arg) && argv[i + 1] !== undefined) named.set(arg, argv[++i]!);
    else return undefined;
  }
  return { positional, named };
}

/**
 * JWKS-03: how long a key stays published after it stopped signing. Tokens it signed may still be
 * presented that long: access tokens live at most 24 h (access_token_lifetime ≤ 86 400 s,
 * CLIENT-12), id_tokens 120 s (IDT-07), and an id_token_hint matters at logout while its session
 * lives, at most 120 min (SSO-02, LOGOUT-03); 10 min more cover clock skew and cached JWKS.
 */
export const retiredKeyRetentionMs = 24 * 3_600_000 + 10 * 60_000;

export interface KeyVerdict {
  kid: string;
  retire: boolean;
  why: string;
}

/**
 * JWKS-03: which keys can go. A key stopped signing when the first key before it in file order
 * became active (its activate_at); it can go once its tokens can no longer be valid. The key that
 * signs now, staged keys, and keys whose end cannot be told (a key before them has no
 * activate_at) stay.
 */
export function judgeKeys(keys: readonly FileKey[], nowMs: number, retentionMs: number): KeyVerdict[] {
  let supersededAtMs: number | undefined;
  let endKnown = true;
  let signerSeen = false;
  return keys.map((key) => {
    const kid = String(key.kid);
    const activateAtMs = key.activate_at === undefined ? undefined : key.activate_at * 1000;
    let verdict: KeyVerdict;
    if (activateAtMs !== undefined && activateAtMs > nowMs) verdict = { kid, retire: false, why: `staged: signs from ${new Date(activateAtMs).toISOString()}` };
    else if (!signerSeen) verdict = { kid, retire: false, why: 'signs now' };
    else if (!endKnown || supersededAtMs === undefined) verdict = { kid, retire: false, why: 'kept: a newer key has no activate_at, so when this one stopped signing is unknown' };
    else if (supersededAtMs + retentionMs <= nowMs) verdict = { kid, retire: true, why: `stopped signing ${new Date(supersededAtMs).toISOString()}; its tokens have expired` };
    else verdict = { kid, retire: false, why: `stopped signing ${new Date(supersededAtMs).toISOString()}; its tokens may be valid until ${new Date(supersededAtMs + retentionMs).toISOString()}` };
    // Keys after this one stopped signing no later than this one started (or at once, if it always could).
    if (activateAtMs === undefined) endKnown = false;
    else supersededAtMs = supersededAtMs === undefined ? activateAtMs : Math.min(supersededAtMs, activateAtMs);
    if (activateAtMs === undefined || activateAtMs <= nowMs) signerSeen = true;
    return verdict;
  });
}
