// npm run keys:retire -- <file> [--after <duration>] [--dry-run]: remove the keys whose tokens can
// no longer be valid (JWKS-03): those that stopped signing longer ago than the retention (24 h
// 10 min by default: the longest access token, with margin; --after to change it). The signing
// key, staged keys and keys whose end cannot be told are always kept.
import { describeDuration, judgeKeys, parseArguments, parseDuration, readKeys, retiredKeyRetentionMs, usage, writeKeys } from './keys-file.js';

export async function main(argv: string[]): Promise<void> {
  const dryRun = argv.includes('--dry-run');
  const args = parseArguments(
    argv.filter((arg) => arg !== '--dry-run'),
    ['--after'],
  );
  const path = args?.positional[0];
  const retentionMs = args?.named.has('--after') ? parseDuration(args.named.get('--after')) : retiredKeyRetentionMs;
  if (!args || !path || args.positional.length !== 1 || retentionMs === undefined) usage('keys:retire', '<keys-file.json> [--after <duration: 90s, 30m, 24h, 2d>] [--dry-run]');

  const keys = readKeys(path);
  const verdicts = judgeKeys(keys, Date.now(), retentionMs);
  for (const verdict of verdicts) process.stdout.write(`${verdict.retire ? 'retire' : 'keep  '} ${verdict.kid}: ${verdict.why}\n`);
  const kept = keys.filter((_, i) => !verdicts[i]!.retire);
  const retired = keys.length - kept.length;
  if (retired === 0) {
    process.stdout.write(`nothing to retire (retention ${describeDuration(retentionMs)})\n`);
  } else if (dryRun) {
    process.stdout.write(`would retire ${retired} key(s); nothing written (--dry-run)\n`);
  } else {
    await writeKeys(path, kept);
    process.stdout.write(`retired ${retired} key(s); ${kept.length} left in ${path}. Send SIGHUP to every instance (or restart them) to stop publishing them.\n`);
  }
}
