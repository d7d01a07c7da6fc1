// npm run conformance:config -- --issuer <url>: runs src/cli/conformance-config.ts (also node dist/cli.js conformance config).
import { main } from '../src/cli/conformance-config.js';

await main(process.argv.slice(2));
