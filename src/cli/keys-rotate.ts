// npm run keys:rotate -- <file> [--in <duration>]: stage a new signing key (JWKS-03). It is
// written first in the file with activate_at = now + 24 h (or --in), so it is published as soon
// as the provider reads the file (SIGHUP or restart) and signs from that moment on every
// instance alike; the previous keys stay published. Remove old keys with keys:retire.
import { describeDuration, newKey, parseArguments, parseDuration, readKeys, usage, writeKeys } from './keys-file.js';

export async function main(argv: string[]): Promise<void> {
  /** JWKS-03: publish the next key at least 24 h before it signs. */
  const stagingMs = 24 * 3_600_000;

  const args = parseArguments(argv, ['--in']);
  const path = args?.positional[0];
  const delayMs = args?.named.has('--in') ? parseDuration(args.named.get('--in')) : stagingMs;
  if (!args || !path || args.positional.length !== 1 || delayMs === undefined) usage('keys:rotate', '<keys-file.json> [--in <duration: 90s, 30m, 24h, 2d>]');

  const existing = readKeys(path);
  const activateAt = Math.ceil((Date.now() + delayMs) / 1000);
  const key = { ...(await newKey()), activate_at: activateAt };
  await writeKeys(path, [key, ...existing]);
  process.stdout.write(
    `staged signing key ${key.kid} in front of ${existing.length} previous key(s) in ${path}; it signs from ${new Date(activateAt * 1000).toISOString()} (in ${describeDuration(delayMs)}).\n` +
      `Publish it now: send SIGHUP to every instance (or restart them) with this file.\n`,
  );
  if (delayMs < stagingMs) {
    process.stderr.write(`warning: JWKS-03 asks for 24 h between publishing a key and signing with it; relying parties that cache the JWKS may not know this key in time\n`);
  }
}
