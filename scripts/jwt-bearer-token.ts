// Kept for the tests and for `npx tsx scripts/jwt-bearer-token.ts`: the code is src/cli/jwt-bearer-token.ts.
import { pathToFileURL } from 'node:url';
import { main } from '../src/cli/jwt-bearer-token.js';

export * from '../src/cli/jwt-bearer-token.js';

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
