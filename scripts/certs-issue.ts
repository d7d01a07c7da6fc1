// npm run certs:issue -- --orgno <orgno> --out <dir> [--days N]: runs src/cli/certs-issue.ts (also in the image: node dist/cli.js, see src/cli.ts).
import { main } from '../src/cli/certs-issue.js';

await main(process.argv.slice(2));
