// npm run keys:rotate -- <file> [--in <duration>]: runs src/cli/keys-rotate.ts (also in the image: node dist/cli.js, see src/cli.ts).
import { main } from '../src/cli/keys-rotate.js';

await main(process.argv.slice(2));
