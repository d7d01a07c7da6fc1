// npm run testid -- <count>: runs src/cli/testid.ts (also in the image: node dist/cli.js, see src/cli.ts).
import { main } from '../src/cli/testid.js';

await main(process.argv.slice(2));
