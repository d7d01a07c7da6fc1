// Kept for the tests and for `npx tsx scripts/business-certificates.ts`: the code is src/cli/business-certificates.ts.
import { pathToFileURL } from 'node:url';
import { main } from '../src/cli/business-certificates.js';

export * from '../src/cli/business-certificates.js';

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
