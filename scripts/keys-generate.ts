// npm run keys:generate -- <file> [--force]: runs src/cli/keys-generate.ts (also in the image: node dist/cli.js, see src/cli.ts).
import { main } from '../src/cli/keys-generate.js';

await main(process.argv.slice(2));
