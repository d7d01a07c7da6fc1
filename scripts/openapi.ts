// npm run openapi: (re)write openapi/openapi.yaml from the route schemas.
import { writeFileSync } from 'node:fs';
import { buildOpenApiYaml } from './openapi-document.js';

const target = new URL('../openapi/openapi.yaml', import.meta.url);
writeFileSync(target, await buildOpenApiYaml());
process.stdout.write('openapi/openapi.yaml written\n');
