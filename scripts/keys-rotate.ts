// npm run keys:rotate -- <file> [--keep N]: put a new key in front (it signs after the next
// restart) and keep the previous ones published so tokens they signed still verify (JWKS-03).
// --keep N drops all but the N newest keys; drop a key only after its last token has expired
// and id_token_hint values signed with it no longer matter (LOGOUT-03).
import { newKey, readKeys, usage, writeKeys } from './keys-file.js';

const [path, flag, count] = process.argv.slice(2);
if (!path || (flag !== undefined && (flag !== '--keep' || !/^[1-9]\d*$/.test(count ?? '')))) usage('keys:rotate', '<keys-file.json> [--keep N]');
const existing = readKeys(path);
const key = await newKey();
const keys = [key, ...existing].slice(0, flag ? Number(count) : undefined);
await writeKeys(path, keys);
process.stdout.write(`added signing key ${key.kid} in front of ${existing.length} previous key(s); ${keys.length} key(s) now in ${path}\n`);
