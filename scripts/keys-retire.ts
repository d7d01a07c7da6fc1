// npm run keys:retire -- <file> [--after <duration>] [--dry-run]: runs src/cli/keys-retire.ts (also in the image: node dist/cli.js, see src/cli.ts).
import { main } from '../src/cli/keys-retire.js';

await main(process.argv.slice(2));
